namespace Biometrics.Matcher.Store;

/// <summary>The stored template was made by a different model than the caller requires; templates are only compared within one model_id.</summary>
public sealed class TemplateModelMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TemplateModelMismatchException(string storedModelId, string requiredModelId)
        : base($"The stored template was made by model '{storedModelId}', not '{requiredModelId}'.")
    {
        StoredModelId = storedModelId;
        RequiredModelId = requiredModelId;
    }

    /// <summary>The model_id of the stored template.</summary>
    public string StoredModelId { get; }

    /// <summary>The model_id the caller asked for.</summary>
    public string RequiredModelId { get; }
}
