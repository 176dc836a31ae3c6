using System.Buffers;
using System.Buffers.Binary;
using Biometrics.Grpc.Internal;
using Google.Protobuf;

namespace Biometrics.Grpc.Client;

/// <summary>The request stream of a client-streaming or duplex call. One write at a time.</summary>
internal sealed class ClientRequestStreamWriter<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IClientStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private bool _completed;
    private Task _pending = Task.CompletedTask;

    public Task WriteAsync(TRequest message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_completed) throw new InvalidOperationException("Request stream has already been completed.");
        if (!_pending.IsCompleted) throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
        return _pending = WriteCoreAsync(message, cancellationToken);
    }

    private async Task WriteCoreAsync(TRequest message, CancellationToken cancellationToken)
    {
        if (call.IsFinished) throw call.CreateException();
        var marshaller = call.Method.RequestMarshaller;
        var size = marshaller.Measure(message);
        if (size > call.MaxSendMessageSize)
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Sending message exceeds the maximum configured message size ({size} vs. {call.MaxSendMessageSize})."));
        var buffer = ArrayPool<byte>.Shared.Rent(GrpcProtocol.HeaderSize + size);
        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.Register(static s => ((GrpcCall<TRequest, TResponse>)s!).CancelFromToken(), call) : default;
        try
        {
            buffer[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1), (uint)size);
            marshaller.Serialize(message, buffer.AsSpan(GrpcProtocol.HeaderSize, size));
            var token = call.CallToken;
            var stream = await call.PushContent!.StreamTask.WaitAsync(token).ConfigureAwait(false);
            await stream.WriteAsync(buffer.AsMemory(0, GrpcProtocol.HeaderSize + size), token).ConfigureAwait(false);
            await stream.FlushAsync(token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            call.Finish(call.MapException(ex));
            throw call.CreateException();
        }
        catch (RpcException) when (call.IsFinished)
        {
            throw call.CreateException();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Task CompleteAsync()
    {
        _completed = true;
        call.PushContent!.Complete();
        return Task.CompletedTask;
    }
}
