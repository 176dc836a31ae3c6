using Biometrics.Grpc.TestServer;

if (args.Length > 0 && args[0] == "bench-client")
{
    return await ClientLoad.RunAsync(args[1..]).ConfigureAwait(false);
}

var app = TestServerHost.Create(args);
await app.RunAsync().ConfigureAwait(false);
return 0;
