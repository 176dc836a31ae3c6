namespace Biometrics.Grpc.TestServer;

/// <summary>Drives small unary calls with our own client (filled in with the client).</summary>
public static class ClientLoad
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("bench-client: not available yet");
        return Task.FromResult(2);
    }
}
