using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using Google.Protobuf;

namespace Biometrics.Grpc.Internal;

/// <summary>Length-prefixed messages: 1 byte compressed flag, 4 bytes big-endian length, then the message.</summary>
internal static class GrpcFraming
{
    /// <summary>Takes one complete frame off the front of <paramref name="buffer"/>; false when more bytes are needed.</summary>
    /// <exception cref="RpcException">RESOURCE_EXHAUSTED when the declared length is over <paramref name="maxMessageSize"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxMessageSize, out bool compressed, out ReadOnlySequence<byte> payload)
    {
        compressed = false;
        payload = default;
        if (buffer.Length < GrpcProtocol.HeaderSize) return false;
        Span<byte> header = stackalloc byte[GrpcProtocol.HeaderSize];
        var first = buffer.FirstSpan;
        if (first.Length >= GrpcProtocol.HeaderSize) first[..GrpcProtocol.HeaderSize].CopyTo(header);
        else buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(header);
        var flag = header[0];
        if (flag > 1) ThrowStatus(StatusCode.Internal, "Invalid compressed flag in message header.");
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxMessageSize)
            ThrowStatus(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize})");
        if (buffer.Length - GrpcProtocol.HeaderSize < length) return false;
        compressed = flag == 1;
        payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>Parses a frame's payload, decompressing it first when flagged.</summary>
    public static T ParseMessage<T>(Marshaller<T> marshaller, ReadOnlySequence<byte> payload, bool compressed, string? encoding, int maxMessageSize)
        where T : class, IMessage<T>
    {
        try
        {
            if (!compressed) return marshaller.Deserialize(payload);
            if (encoding is null || encoding == "identity")
                ThrowStatus(StatusCode.Internal, "Message is flagged compressed but no grpc-encoding was given.");
            if (!string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
                ThrowStatus(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'.");
            var inflated = Gunzip(payload, maxMessageSize);
            return marshaller.Deserialize(inflated.AsSpan());
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize message.", ex));
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to decompress message.", ex));
        }
    }

    /// <summary>Writes one uncompressed frame.</summary>
    /// <exception cref="RpcException">RESOURCE_EXHAUSTED when the message is over <paramref name="maxMessageSize"/>.</exception>
    public static void WriteMessage<T>(IBufferWriter<byte> writer, Marshaller<T> marshaller, T message, int maxMessageSize)
        where T : class, IMessage<T>
    {
        var size = marshaller.Measure(message);
        if (size > maxMessageSize)
            ThrowStatus(StatusCode.ResourceExhausted, $"Sending message larger than max ({size} vs. {maxMessageSize})");
        var span = writer.GetSpan(GrpcProtocol.HeaderSize + size);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)size);
        marshaller.Serialize(message, span.Slice(GrpcProtocol.HeaderSize, size));
        writer.Advance(GrpcProtocol.HeaderSize + size);
    }

    /// <summary>A whole frame in a new array (client request bodies).</summary>
    public static byte[] ToFrame<T>(Marshaller<T> marshaller, T message, int maxMessageSize) where T : class, IMessage<T>
    {
        var size = marshaller.Measure(message);
        if (size > maxMessageSize)
            ThrowStatus(StatusCode.ResourceExhausted, $"Sending message larger than max ({size} vs. {maxMessageSize})");
        var frame = new byte[GrpcProtocol.HeaderSize + size];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)size);
        marshaller.Serialize(message, frame.AsSpan(GrpcProtocol.HeaderSize));
        return frame;
    }

    private static byte[] Gunzip(ReadOnlySequence<byte> payload, int maxMessageSize)
    {
        using var input = new MemoryStream(payload.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            while ((n = gzip.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + n > maxMessageSize)
                    ThrowStatus(StatusCode.ResourceExhausted, $"Decompressed message larger than max ({maxMessageSize})");
                output.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return output.ToArray();
    }

    [DoesNotReturn]
    public static void ThrowStatus(StatusCode code, string detail) => throw new RpcException(new Status(code, detail));
}
