using System.Threading.Channels;

namespace Biometrics.Grpc.Tests;

/// <summary>An <see cref="IServerStreamWriter{T}"/> that collects written messages into a channel.</summary>
internal sealed class ChannelWriterStream<T> : IServerStreamWriter<T>
{
    public Channel<T> Written { get; } = Channel.CreateUnbounded<T>();

    public Task WriteAsync(T message) => Written.Writer.WriteAsync(message).AsTask();

    public Task WriteAsync(T message, CancellationToken cancellationToken) => Written.Writer.WriteAsync(message, cancellationToken).AsTask();
}
