using Biometrics.Matcher.Services;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Configuration;

/// <summary>Checks <see cref="MatchingOptions"/> at start.</summary>
public sealed class MatchingOptionsValidator : IValidateOptions<MatchingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MatchingOptions options)
    {
        var errors = options.Check();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
