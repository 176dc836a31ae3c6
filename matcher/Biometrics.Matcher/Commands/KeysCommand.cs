using System.CommandLine;
using System.Globalization;
using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;

namespace Biometrics.Matcher.Commands;

/// <summary>
/// <c>biometrics-matcher keys</c>: the development key set (docs/SECURITY.md, "Development mode"), reporting each file
/// as created, kept or replaced and when the role tokens expire; <c>keys qr</c> mints a QR token for a subject with a
/// QR issuer's private key (the development issuer by default); <c>keys token</c> mints a bearer token for a role with
/// a given signing key, in or outside development mode (docs/SECURITY.md, "Production keys and tokens"). Minted tokens
/// go alone to standard output, what they are to standard error, so that <c>$(...)</c> captures just the token.
/// </summary>
public static class KeysCommand
{
    private const string DefaultDirectory = ".data/keys";

    /// <summary>The <c>keys</c> command and its sub-commands, writing to <paramref name="out"/> and <paramref name="err"/>.</summary>
    public static Command Create(TextWriter @out, TextWriter err)
    {
        var dir = new Option<string>("--dir") { Description = "Folder of the development keys.", HelpName = "DIR", DefaultValueFactory = _ => DefaultDirectory };
        var force = new Option<bool>("--force") { Description = "Replace every file, even those that are still good (every token issued with the old keys stops working)." };
        var keyId = CliOptions.Name("--key-id", "Key id (kid) the role tokens carry; must match the matcher's Matcher:Security:TokenSigningKeyId.", 64, defaultValue: SecuritySettings.DefaultTokenSigningKeyId);
        var command = new Command("keys", "Create what is missing of the development key set (store keys, token signing key, QR issuer 'dev' key pair, one 30-day bearer token per role) and say what was created, kept or replaced. Never for production: see 'keys token' and docs/SECURITY.md.")
        {
            dir, force, keyId,
        };
        command.Subcommands.Add(CreateQr(@out, err));
        command.Subcommands.Add(CreateToken(@out, err));
        command.SetAction((parse, _) => Task.FromResult(Report(DevelopmentKeys.Ensure(parse.GetRequiredValue(dir), parse.GetValue(force), parse.GetRequiredValue(keyId)), @out)));
        return command;
    }

    /// <summary>Prints what <see cref="DevelopmentKeys.Ensure"/> did, file by file, and the role tokens' expiry.</summary>
    public static int Report(DevelopmentKeys keys, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Development keys in {keys.Directory} (never for production):");
        var validator = new BearerTokenValidator(new Dictionary<string, byte[]> { [keys.TokenKeyId] = KeyMaterial.ReadKeyFile(keys.TokenSigningKeyFile) }, TimeSpan.Zero);
        foreach (var file in keys.Files)
        {
            var name = Path.GetFileName(file.Path);
            var what = file.Action switch
            {
                KeyFileAction.Created => "created ",
                KeyFileAction.Replaced => "replaced",
                _ => "kept    ",
            };
            var detail = name.EndsWith(".token", StringComparison.Ordinal)
                ? TokenSummary(validator.Validate(File.ReadAllText(file.Path).Trim()))
                : Describe(name);
            output.WriteLine($"  {what} {name,-24} {detail}");
        }

        output.WriteLine("Send a token as 'authorization: Bearer <token>'; the biometrics-gate and biometrics-load tools take --token-file.");
        output.WriteLine($"Mint a QR token: biometrics-matcher keys qr --subject ID --dir {keys.Directory}");
        return ExitCodes.Ok;
    }

    private static Command CreateQr(TextWriter @out, TextWriter err)
    {
        var subject = CliOptions.Name("--subject", "The traveller's subject id (as enrolled).", QrToken.MaxIdLength, required: true);
        var dir = new Option<string>("--dir") { Description = "Folder of the development keys (its qr-issuer-dev.pem signs unless --key-file is given).", HelpName = "DIR", DefaultValueFactory = _ => DefaultDirectory };
        var keyFile = CliOptions.ExistingFile("--key-file", "PEM private key (P-256) of the issuer [default: <dir>/qr-issuer-dev.pem].");
        var issuer = CliOptions.Name("--issuer", "Issuer id written into the token; the matcher must trust it as Matcher:Security:QrIssuers:<issuer>.", QrToken.MaxIdLength, defaultValue: DevelopmentKeys.QrIssuer);
        var ttl = CliOptions.Duration("--ttl", "How long the token is valid.", TimeSpan.FromHours(24));
        var command = new Command("qr", "Mint a QR token (what the traveller's phone shows) for a subject; prints the token alone on standard output.")
        {
            subject, dir, keyFile, issuer, ttl,
        };
        command.SetAction((parse, _) =>
        {
            var file = parse.GetValue(keyFile) ?? Path.Combine(parse.GetRequiredValue(dir), "qr-issuer-dev.pem");
            if (!File.Exists(file)) throw new UsageException($"--dir: no QR issuer key {CliText.Cut(file)}; run 'biometrics-matcher keys' first, or give --key-file.");
            var lifetime = parse.GetValue(ttl);
            using var qr = new QrTokenIssuer(parse.GetRequiredValue(issuer), KeyMaterial.LoadEcPrivateKey(file));
            var token = qr.Issue(parse.GetRequiredValue(subject), lifetime);
            @out.WriteLine(token);
            err.WriteLine($"QR token of issuer '{qr.IssuerId}' for subject '{parse.GetRequiredValue(subject)}', expires {Expiry(DateTimeOffset.UtcNow + lifetime)}; single use.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command CreateToken(TextWriter @out, TextWriter err)
    {
        var role = new Option<string>("--role") { Description = "The caller's role: gate, enrolment or operator.", HelpName = "ROLE", Required = true };
        role.Validators.Add(r =>
        {
            if (CliOptions.TokenOf(r) is { } v && !RolePolicy.TryParse(v, out _)) r.AddError($"--role must be gate, enrolment or operator, not '{CliText.Cut(v)}'.");
        });
        var keyFile = CliOptions.ExistingFile("--key-file", "The matcher's token signing key (Matcher:Security:TokenSigningKeyFile: 32+ bytes, raw or base64).", required: true);
        var keyId = CliOptions.Name("--key-id", "Key id (kid) of that key (Matcher:Security:TokenSigningKeyId).", 64, defaultValue: SecuritySettings.DefaultTokenSigningKeyId);
        var subject = CliOptions.Name("--subject", "Who the caller is (a gate agent, a desk, an operator); written into every audit record.", 128, required: true);
        var gate = CliOptions.Name("--gate", "Gate id, for role gate.", 64);
        var ttl = CliOptions.Duration("--ttl", "How long the token is valid.", TimeSpan.FromHours(8));
        var command = new Command("token", "Mint a bearer token for a role with a given signing key (in or outside development mode); prints the token alone on standard output.")
        {
            role, keyFile, keyId, subject, gate, ttl,
        };
        command.SetAction((parse, _) =>
        {
            RolePolicy.TryParse(parse.GetRequiredValue(role), out var r);
            var key = KeyMaterial.ReadKeyFile(parse.GetRequiredValue(keyFile));
            if (key.Length < BearerToken.MinKeyBytes)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--key-file: the key has {key.Length} bytes; token signing keys have at least {BearerToken.MinKeyBytes}."));
            }

            var token = new BearerTokenIssuer(parse.GetRequiredValue(keyId), key).Issue(parse.GetRequiredValue(subject), r, parse.GetValue(ttl), parse.GetValue(gate));
            @out.WriteLine(token);
            err.WriteLine(TokenSummary(new BearerTokenValidator(new Dictionary<string, byte[]> { [parse.GetRequiredValue(keyId)] = key }, TimeSpan.Zero).Validate(token)));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static string TokenSummary(BearerTokenValidationResult result)
    {
        if (!result.IsValid) return "does not validate: " + result.Message;
        var c = result.Claims!;
        var gate = c.GateId is null ? string.Empty : $", gate {c.GateId}";
        return $"role {RolePolicy.ToWireName(c.Role)}, subject {c.Subject}{gate}, key id {c.KeyId}, expires {Expiry(DateTimeOffset.FromUnixTimeSeconds(c.ExpiresAt))}";
    }

    private static string Expiry(DateTimeOffset when)
    {
        var left = when - DateTimeOffset.UtcNow;
        var inText = left.TotalDays >= 2 ? $"{left.TotalDays:F0} days" : left.TotalHours >= 2 ? $"{left.TotalHours:F0} hours" : $"{Math.Max(0, left.TotalMinutes):F0} minutes";
        return string.Create(CultureInfo.InvariantCulture, $"{when.UtcDateTime:yyyy-MM-dd HH:mm} UTC (in {inText})");
    }

    private static string Describe(string file) => file switch
    {
        "pseudonymisation.key" => "store: pseudonymisation (HMAC) key, Matcher:Store:PseudonymisationKeyFile",
        "template-encryption.key" => "store: template encryption (AES-256-GCM) key, Matcher:Store:EncryptionKeyFile",
        "token-signing.key" => "bearer token signing key, Matcher:Security:TokenSigningKeyFile",
        "qr-issuer-dev.pem" => "QR issuer 'dev' private key (signs QR tokens: keys qr)",
        "qr-issuer-dev.pub.pem" => "QR issuer 'dev' public key, Matcher:Security:QrIssuers:dev",
        _ => string.Empty,
    };
}
