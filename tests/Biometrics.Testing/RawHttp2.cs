using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Biometrics.Testing;

/// <summary>A deliberately minimal HTTP/2 client (RFC 9113, HPACK literals only, RFC 7541 section 6.2.2) that sends one
/// request exactly as given, even one a real client would refuse to send (oversized header fields), and reports how the
/// server ended it. Test-only.</summary>
public static class RawHttp2
{
    private const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, Continuation = 0x9;
    private const byte EndStream = 0x1, EndHeaders = 0x4, Ack = 0x1;
    private const int MaxFrame = 16_384;

    /// <summary>How the server answered: a GOAWAY or RST_STREAM error code, or response headers (and a grpc-status if the
    /// server sent one in a form this client can read: literal, not Huffman-coded).</summary>
    public sealed record Outcome(uint? GoAwayError, uint? ResetError, bool GotHeaders, bool ConnectionClosed);

    public static async Task<Outcome> SendAsync(int port, string path, IReadOnlyList<(string Name, string Value)> headers, byte[] body, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var output = new MemoryStream();
        output.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
        WriteFrame(output, Settings, 0, 0, []);
        var block = new MemoryStream();
        foreach (var (name, value) in new (string, string)[] { (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", $"127.0.0.1:{port}"),
                     ("content-type", "application/grpc"), ("te", "trailers") }.Concat(headers))
        {
            block.WriteByte(0x00); // literal without indexing, new name
            WriteString(block, name);
            WriteString(block, value);
        }
        var bytes = block.ToArray();
        for (var offset = 0; offset < bytes.Length || offset == 0; offset += MaxFrame)
        {
            var length = Math.Min(MaxFrame, bytes.Length - offset);
            var last = offset + length >= bytes.Length;
            WriteFrame(output, offset == 0 ? Headers : Continuation, last ? EndHeaders : (byte)0, 1, bytes.AsSpan(offset, length));
            if (bytes.Length == 0) break;
        }
        WriteFrame(output, Data, EndStream, 1, body);
        try
        {
            await stream.WriteAsync(output.ToArray(), cts.Token);
        }
        catch (IOException)
        {
            // The server may close before it has read everything; what it sent first still tells how it ended the request.
        }

        var header = new byte[9];
        while (true)
        {
            if (!await ReadExactlyAsync(stream, header, cts.Token)) return new Outcome(null, null, false, true);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var type = header[3];
            var flags = header[4];
            var streamId = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(5)) & 0x7FFF_FFFF;
            var payload = new byte[length];
            if (!await ReadExactlyAsync(stream, payload, cts.Token)) return new Outcome(null, null, false, true);
            switch (type)
            {
                case Settings when (flags & Ack) == 0:
                    var ack = new MemoryStream();
                    WriteFrame(ack, Settings, Ack, 0, []);
                    await TryWriteAsync(stream, ack.ToArray(), cts.Token);
                    break;
                case Ping when (flags & Ack) == 0:
                    var pong = new MemoryStream();
                    WriteFrame(pong, Ping, Ack, 0, payload);
                    await TryWriteAsync(stream, pong.ToArray(), cts.Token);
                    break;
                case GoAway:
                    return new Outcome(BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)), null, false, false);
                case RstStream when streamId == 1:
                    return new Outcome(null, BinaryPrimitives.ReadUInt32BigEndian(payload), false, false);
                case Headers when streamId == 1:
                    return new Outcome(null, null, true, false);
            }
        }
    }

    private static async Task TryWriteAsync(NetworkStream stream, byte[] bytes, CancellationToken token)
    {
        try
        {
            await stream.WriteAsync(bytes, token);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<bool> ReadExactlyAsync(NetworkStream stream, byte[] buffer, CancellationToken token)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, token);
            return true;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            return false;
        }
    }

    private static void WriteFrame(Stream output, byte type, byte flags, uint streamId, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = (byte)(payload.Length >> 16);
        header[1] = (byte)(payload.Length >> 8);
        header[2] = (byte)payload.Length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(header[5..], streamId);
        output.Write(header);
        output.Write(payload);
    }

    private static void WriteString(Stream output, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        // 7-bit prefix integer, Huffman bit clear.
        var length = bytes.Length;
        if (length < 127)
        {
            output.WriteByte((byte)length);
        }
        else
        {
            output.WriteByte(127);
            length -= 127;
            while (length >= 128)
            {
                output.WriteByte((byte)((length & 0x7F) | 0x80));
                length >>= 7;
            }
            output.WriteByte((byte)length);
        }
        output.Write(bytes);
    }
}
