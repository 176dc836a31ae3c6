using Google.Protobuf;

namespace Biometrics.Grpc.Server;

/// <summary>The request stream of a client-streaming or duplex call, read frame by frame from the request body pipe.</summary>
internal sealed class HttpRequestStreamReader<T>(HttpServerCallContext context, Marshaller<T> marshaller) : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private T? _current;
    private bool _reading;

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (_reading) throw new InvalidOperationException("Can't read the next message while a read is pending.");
        _reading = true;
        try
        {
            var callToken = context.CancellationToken;
            if (!cancellationToken.CanBeCanceled || cancellationToken == callToken)
            {
                _current = await context.ReadStreamMessageAsync(marshaller, callToken).ConfigureAwait(false);
            }
            else
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, cancellationToken);
                _current = await context.ReadStreamMessageAsync(marshaller, linked.Token).ConfigureAwait(false);
            }
            return _current is not null;
        }
        finally
        {
            _reading = false;
        }
    }
}
