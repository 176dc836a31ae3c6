namespace Biometrics.Grpc;

/// <summary>The request stream of a client-streaming or duplex call, on the client side.</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Ends the request stream (half-close); no more writes are allowed.</summary>
    Task CompleteAsync();
}
