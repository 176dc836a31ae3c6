using Biometrics.Matcher.Commands;

// biometrics-matcher [serve] [--Section:Key=value ...] | calibrate ... | keys [qr|token] ... | help [command]
// (docs/MATCHER.md, "Commands").
return await MatcherCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
