using Biometrics.Grpc.TestServer;

if (args.Length > 0 && args[0] == "bench-client")
{
    return await ClientLoad.RunAsync(args[1..]).ConfigureAwait(false);
}

var withBaseline = args.Contains("--with-baseline");
var app = TestServerHost.Create(args.Where(a => a != "--with-baseline").ToArray());
if (withBaseline) NaiveBaseline.Map(app);
await app.RunAsync().ConfigureAwait(false);
return 0;
