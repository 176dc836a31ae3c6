using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>A few hand-written HTTP/2 frames over a plain socket (prior knowledge), for requests a conforming client
/// refuses to send (header lists beyond the server's advertised limit). HPACK: literal fields without indexing, no
/// Huffman coding.</summary>
internal static class RawHttp2
{
    private const byte Headers = 0x1, Continuation = 0x9;

    /// <summary>Sends one request whose header block carries <paramref name="extra"/> and returns the frame types the
    /// server sent back on the request's stream or the connection (SETTINGS, WINDOW_UPDATE and PING skipped) until it
    /// answered the stream, closed the connection or <paramref name="timeout"/> passed.</summary>
    public static async Task<List<byte>> SendHeadersAsync(int port, string path, IEnumerable<(string Name, string Value)> extra, TimeSpan timeout)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        using var cts = new CancellationTokenSource(timeout);
        var block = new MemoryStream();
        foreach (var (n, v) in new[] { (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1:" + port), ("content-type", "application/grpc"), ("te", "trailers") }.Concat(extra))
        {
            block.WriteByte(0); // literal without indexing, new name
            WriteString(block, n);
            WriteString(block, v);
        }

        var output = new MemoryStream();
        output.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
        WriteFrame(output, 0x4, 0, 0, []); // empty SETTINGS
        var bytes = block.ToArray();
        for (var offset = 0; offset < bytes.Length || offset == 0; offset += 16384)
        {
            var length = Math.Min(16384, bytes.Length - offset);
            var last = offset + length >= bytes.Length;
            var flags = (byte)((last ? 0x4 : 0) | (offset == 0 ? 0x1 : 0)); // END_HEADERS on the last, END_STREAM on HEADERS
            WriteFrame(output, offset == 0 ? Headers : Continuation, flags, 1, bytes.AsSpan(offset, length));
            if (last) break;
        }

        var seen = new List<byte>();
        try
        {
            await stream.WriteAsync(output.ToArray(), cts.Token);
        }
        catch (IOException)
        {
            // The server may close the connection before reading everything; what it sent is still readable.
        }

        var header = new byte[9];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(header, cts.Token);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var payload = new byte[length];
                await stream.ReadExactlyAsync(payload, cts.Token);
                if (header[3] is 0x4 or 0x8 or 0x6) continue;
                seen.Add(header[3]);
                if (header[3] is Headers or 0x3 or 0x7) return seen; // a response, RST_STREAM or GOAWAY
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            seen.Add(0xFF); // connection closed
            return seen;
        }
    }

    private static void WriteString(Stream s, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        WriteInteger(s, bytes.Length);
        s.Write(bytes);
    }

    private static void WriteInteger(Stream s, int value)
    {
        if (value < 127)
        {
            s.WriteByte((byte)value);
            return;
        }

        s.WriteByte(127);
        value -= 127;
        while (value >= 128)
        {
            s.WriteByte((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }

        s.WriteByte((byte)value);
    }

    private static void WriteFrame(Stream s, byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        Span<byte> h = stackalloc byte[9];
        h[0] = (byte)(payload.Length >> 16);
        h[1] = (byte)(payload.Length >> 8);
        h[2] = (byte)payload.Length;
        h[3] = type;
        h[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(h[5..], streamId);
        s.Write(h);
        s.Write(payload);
    }
}
