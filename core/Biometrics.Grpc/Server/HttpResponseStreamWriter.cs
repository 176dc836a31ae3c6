using Google.Protobuf;

namespace Biometrics.Grpc.Server;

/// <summary>The response stream of a server-streaming or duplex call; each message is framed into the response body
/// pipe and flushed.</summary>
internal sealed class HttpResponseStreamWriter<T>(HttpServerCallContext context, Marshaller<T> marshaller) : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    private Task _pending = Task.CompletedTask;
    private bool _completed;

    public Task WriteAsync(T message) => WriteAsync(message, context.CancellationToken);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        if (_completed) throw new InvalidOperationException("Can't write the message because the call is complete.");
        if (!_pending.IsCompleted) throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
        var token = cancellationToken.CanBeCanceled ? cancellationToken : context.CancellationToken;
        return _pending = context.WriteStreamMessageAsync(marshaller, message, token);
    }

    /// <summary>Called when the handler has returned: later writes are errors.</summary>
    public void Complete() => _completed = true;
}
