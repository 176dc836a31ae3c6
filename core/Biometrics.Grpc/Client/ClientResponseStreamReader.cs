using Google.Protobuf;

namespace Biometrics.Grpc.Client;

/// <summary>The response stream of a server-streaming or duplex call. One read at a time.</summary>
internal sealed class ClientResponseStreamReader<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private TResponse? _current;
    private bool _ended;

    public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (_ended) return false;
        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.Register(static s => ((GrpcCall<TRequest, TResponse>)s!).CancelFromToken(), call) : default;
        try
        {
            if (call.IsFinished && call.GetStatus().StatusCode != StatusCode.OK) throw call.CreateException();
            await call.SendTask.ConfigureAwait(false);
            var message = await call.ReadMessageAsync(call.CallToken).ConfigureAwait(false);
            if (message is not null)
            {
                _current = message;
                return true;
            }
            _ended = true;
            call.FinishFromTrailers();
            call.Cleanup();
            if (call.GetStatus().StatusCode != StatusCode.OK) throw call.CreateException();
            return false;
        }
        catch (RpcException ex)
        {
            call.Finish(ex.Status);
            call.Cleanup();
            throw call.CreateException();
        }
        catch (Exception ex)
        {
            call.Finish(call.MapException(ex));
            call.Cleanup();
            throw call.CreateException();
        }
    }
}
