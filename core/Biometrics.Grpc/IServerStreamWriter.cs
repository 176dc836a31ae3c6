namespace Biometrics.Grpc;

/// <summary>The response stream of a server-streaming or duplex call, on the server side.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>;
