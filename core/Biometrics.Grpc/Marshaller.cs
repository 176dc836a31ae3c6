using System.Buffers;
using Google.Protobuf;

namespace Biometrics.Grpc;

/// <summary>Turns protobuf messages of type <typeparamref name="T"/> into bytes and back, without intermediate copies.
/// Thread-safe.</summary>
public sealed class Marshaller<T> where T : class, IMessage<T>
{
    /// <summary>Creates a marshaller over a generated message parser.</summary>
    public Marshaller(MessageParser<T> parser) => Parser = parser ?? throw new ArgumentNullException(nameof(parser));

    /// <summary>The parser used to read messages.</summary>
    public MessageParser<T> Parser { get; }

    /// <summary>The serialized size of <paramref name="message"/>.</summary>
    public int Measure(T message) => message.CalculateSize();

    /// <summary>Writes <paramref name="message"/> into exactly <paramref name="destination"/> (sized by <see cref="Measure"/>).</summary>
    public void Serialize(T message, Span<byte> destination) => message.WriteTo(destination);

    /// <summary>Parses a message from a (possibly multi-segment) buffer.</summary>
    public T Deserialize(ReadOnlySequence<byte> payload) => Parser.ParseFrom(payload);

    /// <summary>Parses a message from a contiguous buffer.</summary>
    public T Deserialize(ReadOnlySpan<byte> payload) => Parser.ParseFrom(payload);
}
