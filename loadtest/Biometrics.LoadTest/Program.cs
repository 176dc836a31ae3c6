using Biometrics.LoadTest.Cli;
using Biometrics.LoadTest.Http2;

Http2Connection.PreferInlineSocketCompletions();
return await CommandLine.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
