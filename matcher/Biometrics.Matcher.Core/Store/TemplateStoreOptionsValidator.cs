using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Store;

/// <summary>Options validation (usable with <c>services.AddSingleton&lt;IValidateOptions&lt;TemplateStoreOptions&gt;, ...&gt;()</c>). Thread-safe.</summary>
public sealed partial class TemplateStoreOptionsValidator : IValidateOptions<TemplateStoreOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TemplateStoreOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Check(TemplateStoreOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(o.KeyPrefix) || !PrefixPattern().IsMatch(o.KeyPrefix))
        {
            errors.Add("KeyPrefix must be 1-32 of letters, digits, '_', '.', '-'.");
        }

        CheckKey(errors, "pseudonymisation", o.PseudonymisationKeyFile, o.PseudonymisationKeyBase64, minLength: 32, exactLength: null);
        CheckKey(errors, "encryption", o.EncryptionKeyFile, o.EncryptionKeyBase64, minLength: 32, exactLength: 32);
        foreach (var f in o.PreviousEncryptionKeyFiles) CheckKey(errors, "previous encryption", f, null, 32, 32);
        foreach (var b in o.PreviousEncryptionKeysBase64) CheckKey(errors, "previous encryption", null, b, 32, 32);
        if (errors.Count == 0)
        {
            var p = KeyMaterial.Load(o.PseudonymisationKeyFile, o.PseudonymisationKeyBase64);
            var e = KeyMaterial.Load(o.EncryptionKeyFile, o.EncryptionKeyBase64);
            if (p.AsSpan().SequenceEqual(e)) errors.Add("The pseudonymisation and encryption keys must differ.");
        }

        if (o.VectorDimension is < 1 or > 4096) errors.Add("VectorDimension must be 1..4096.");
        if (o.ChangeStreamMaxLength < 1000) errors.Add("ChangeStreamMaxLength must be at least 1000.");
        if (o.AuditStreamMaxLength < 1000) errors.Add("AuditStreamMaxLength must be at least 1000.");
        if (o.WaitForReplicas < 0) errors.Add("WaitForReplicas must not be negative.");
        if (o.WaitTimeout <= TimeSpan.Zero) errors.Add("WaitTimeout must be positive.");
        if (o.BulkBatchSize is < 1 or > 10_000) errors.Add("BulkBatchSize must be 1..10000.");
        if (o.IdempotencyTtl <= TimeSpan.Zero) errors.Add("IdempotencyTtl must be positive.");
        if (o.SnapshotScanCount < 1) errors.Add("SnapshotScanCount must be positive.");
        if (o.FollowBlock <= TimeSpan.Zero) errors.Add("FollowBlock must be positive.");
        return errors;
    }

    private static void CheckKey(List<string> errors, string what, string? file, string? base64, int minLength, int? exactLength)
    {
        if (file is null == base64 is null)
        {
            errors.Add($"Configure the {what} key by exactly one of a file or a base64 value.");
            return;
        }

        byte[] key;
        try
        {
            key = KeyMaterial.Load(file, base64);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            errors.Add($"The {what} key could not be read: {ex.Message}");
            return;
        }

        if (exactLength is { } n && key.Length != n) errors.Add($"The {what} key must be {n} bytes, not {key.Length}.");
        else if (key.Length < minLength) errors.Add($"The {what} key must be at least {minLength} bytes, not {key.Length}.");
        if (key.Length > 0 && key.AsSpan().IndexOfAnyExcept(key[0]) < 0) errors.Add($"The {what} key is a constant byte pattern.");
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,32}$")]
    private static partial Regex PrefixPattern();
}
