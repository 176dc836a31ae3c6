using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Store;

/// <summary>Options validation (usable with <c>services.AddSingleton&lt;IValidateOptions&lt;TemplateStoreOptions&gt;, ...&gt;()</c>).
/// Every message starts with the configuration key it is about, under <paramref name="section"/> (for example
/// <c>Matcher:Store:</c>, so that a message names <c>Matcher:Store:EncryptionKeyFile</c>). Thread-safe.</summary>
/// <param name="section">Prefix of the option names in messages (empty: the bare property names).</param>
public sealed partial class TemplateStoreOptionsValidator(string section = "") : IValidateOptions<TemplateStoreOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TemplateStoreOptions options)
    {
        var errors = Check(options, section);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Check(TemplateStoreOptions o, string section = "")
    {
        var s = section;
        var errors = new List<string>();
        if (string.IsNullOrEmpty(o.KeyPrefix) || !PrefixPattern().IsMatch(o.KeyPrefix))
        {
            errors.Add($"{s}KeyPrefix must be 1-32 of letters, digits, '_', '.', '-'.");
        }

        var pseudonymisation = CheckKey(errors, "pseudonymisation", new($"{s}{nameof(o.PseudonymisationKeyFile)}", o.PseudonymisationKeyFile),
            new($"{s}{nameof(o.PseudonymisationKeyBase64)}", o.PseudonymisationKeyBase64), TemplateStoreOptions.PseudonymisationKeyVariable, minLength: 32, exactLength: null);
        var encryption = CheckKey(errors, "encryption", new($"{s}{nameof(o.EncryptionKeyFile)}", o.EncryptionKeyFile),
            new($"{s}{nameof(o.EncryptionKeyBase64)}", o.EncryptionKeyBase64), TemplateStoreOptions.EncryptionKeyVariable, minLength: 32, exactLength: 32);
        foreach (var f in o.PreviousEncryptionKeyFiles) CheckKey(errors, "previous encryption", new($"{s}{nameof(o.PreviousEncryptionKeyFiles)}", f), new(string.Empty, null), null, 32, 32);
        foreach (var b in o.PreviousEncryptionKeysBase64) CheckKey(errors, "previous encryption", new(string.Empty, null), new($"{s}{nameof(o.PreviousEncryptionKeysBase64)}", b), null, 32, 32);
        if (errors.Count == 0)
        {
            var p = KeyMaterial.Load(o.PseudonymisationKeyFile, o.PseudonymisationKeyBase64);
            var e = KeyMaterial.Load(o.EncryptionKeyFile, o.EncryptionKeyBase64);
            if (p.AsSpan().SequenceEqual(e)) errors.Add($"{pseudonymisation} and {encryption}: the pseudonymisation and encryption keys must differ.");
        }

        if (o.VectorDimension is < 1 or > 4096) errors.Add($"{s}VectorDimension must be 1..4096.");
        if (o.ChangeStreamMaxLength < 1000) errors.Add($"{s}ChangeStreamMaxLength must be at least 1000.");
        if (o.AuditStreamMaxLength < 1000) errors.Add($"{s}AuditStreamMaxLength must be at least 1000.");
        if (o.WaitForReplicas < 0) errors.Add($"{s}WaitForReplicas must not be negative.");
        if (o.WaitTimeout <= TimeSpan.Zero) errors.Add($"{s}WaitTimeout must be positive.");
        if (o.BulkBatchSize is < 1 or > 10_000) errors.Add($"{s}BulkBatchSize must be 1..10000.");
        if (o.IdempotencyTtl <= TimeSpan.Zero) errors.Add($"{s}IdempotencyTtl must be positive.");
        if (o.SnapshotScanCount < 1) errors.Add($"{s}SnapshotScanCount must be positive.");
        if (o.FollowPollInterval <= TimeSpan.Zero) errors.Add($"{s}FollowPollInterval must be positive.");
        if (o.CommandTimeout <= TimeSpan.Zero) errors.Add($"{s}CommandTimeout must be positive.");
        return errors;
    }

    // Checks one key given by a file or a base64 value; returns the name of the setting it came from.
    private static string CheckKey(List<string> errors, string what, KeySetting file, KeySetting base64, string? variable, int minLength, int? exactLength)
    {
        if (file.Value is null == base64.Value is null)
        {
            var names = string.Join(" or ", new[] { file.Name, base64.Name, variable is null ? string.Empty : "the environment variable " + variable }.Where(n => n.Length > 0));
            errors.Add($"{names}: configure the {what} key by exactly one of a file or a base64 value.");
            return file.Name;
        }

        var from = file.Value is not null ? file.Name : base64.Name;
        byte[] key;
        try
        {
            key = KeyMaterial.Load(file.Value, base64.Value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            errors.Add($"{from}: the {what} key could not be read: {ex.Message}");
            return from;
        }

        if (exactLength is { } n && key.Length != n) errors.Add($"{from}: the {what} key must be {n} bytes, not {key.Length}.");
        else if (key.Length < minLength) errors.Add($"{from}: the {what} key must be at least {minLength} bytes, not {key.Length}.");
        if (key.Length > 0 && key.AsSpan().IndexOfAnyExcept(key[0]) < 0) errors.Add($"{from}: the {what} key is a constant byte pattern.");
        return from;
    }

    private readonly record struct KeySetting(string Name, string? Value);

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,32}$")]
    private static partial Regex PrefixPattern();
}
