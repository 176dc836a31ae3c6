using Biometrics.Matcher.Commands;
using Biometrics.Matcher.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

// biometrics-matcher [serve] [--Matcher:Key=value ...] | calibrate ... | keys ...
var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
try
{
    switch (command)
    {
        case "calibrate":
            return CalibrateCommand.Run(rest, Console.Out);
        case "keys":
            return KeysCommand.Run(rest, Console.Out);
        case "serve":
            var app = MatcherHost.Build(rest);
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        default:
            Console.Error.WriteLine($"unknown command '{command}'. Commands: serve (default), calibrate, keys.");
            return 2;
    }
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine("Invalid configuration:");
    foreach (var failure in ex.Failures) Console.Error.WriteLine("  - " + failure);
    return 2;
}
catch (Exception ex) when (ex is ArgumentException or FormatException or FileNotFoundException or DirectoryNotFoundException)
{
    Console.Error.WriteLine($"{command}: {ex.Message}");
    return 2;
}
