using System.Diagnostics;

namespace Biometrics.LoadTest.Tests;

/// <summary>Runs Debian's headless Chromium on a local file, with its own throw-away profile; kills only the process it started.</summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    public static async Task<string> RunAsync(string htmlFile, params string[] extra)
    {
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"{Path} is missing: install Debian's 'chromium' (scripts/setup.sh does)");
        }

        var profile = Directory.CreateTempSubdirectory("lt-chromium-");
        try
        {
            var psi = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.FullName })
            {
                psi.ArgumentList.Add(a);
            }

            foreach (var a in extra)
            {
                psi.ArgumentList.Add(a);
            }

            psi.ArgumentList.Add(new Uri(htmlFile).AbsoluteUri);
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {await stderr.WaitAsync(TimeSpan.FromSeconds(10))}");
            return output;
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
