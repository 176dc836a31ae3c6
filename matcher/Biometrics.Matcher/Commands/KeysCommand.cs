using Biometrics.Matcher.Hosting;

namespace Biometrics.Matcher.Commands;

/// <summary><c>biometrics-matcher keys [--dir .data/keys] [--force]</c>: generates development keys and role tokens.</summary>
public static class KeysCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var cl = new CommandLine(args, new HashSet<string> { "force" });
        var keys = DevelopmentKeys.Ensure(cl.Get("dir", ".data/keys")!, cl.Has("force"));
        output.WriteLine($"Development keys in {keys.Directory}:");
        foreach (var f in Directory.GetFiles(keys.Directory).Order(StringComparer.Ordinal)) output.WriteLine("  " + Path.GetFileName(f));
        output.WriteLine("Bearer tokens: gate.token, enrolment.token, operator.token (send as 'authorization: Bearer <token>').");
        output.WriteLine($"QR issuer '{DevelopmentKeys.QrIssuer}': private key qr-issuer-dev.pem, public key qr-issuer-dev.pub.pem.");
        return 0;
    }
}
