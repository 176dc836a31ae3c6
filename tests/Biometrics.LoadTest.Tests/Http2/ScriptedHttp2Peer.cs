using System.Buffers.Binary;
using System.Net.Sockets;
using Biometrics.LoadTest.Http2;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>The server side of one accepted connection of <see cref="ScriptedHttp2Server"/>: raw frame reads and writes for scripted behaviour.</summary>
internal sealed class ScriptedHttp2Peer(Socket socket) : IDisposable
{
    private readonly NetworkStream _stream = new(socket, ownsSocket: true);
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Reads the client preface and its SETTINGS, then sends our SETTINGS (and ACKs the client's).</summary>
    public async Task HandshakeAsync(params (Http2SettingId Id, uint Value)[] settings)
    {
        var preface = new byte[24];
        await _stream.ReadExactlyAsync(preface);
        var payload = new byte[settings.Length * 6];
        for (var i = 0; i < settings.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 6), (ushort)settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan((i * 6) + 2), settings[i].Value);
        }

        await WriteFrameAsync(Http2FrameType.Settings, 0, 0, payload);
        await WriteFrameAsync(Http2FrameType.Settings, Http2Flags.Ack, 0, ReadOnlyMemory<byte>.Empty);
    }

    public async Task<(Http2FrameHeader Header, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        var header = new byte[Http2FrameHeader.Size];
        await _stream.ReadExactlyAsync(header, cancellationToken);
        var h = Http2FrameHeader.Read(header);
        var payload = new byte[h.Length];
        await _stream.ReadExactlyAsync(payload, cancellationToken);
        return (h, payload);
    }

    /// <summary>Reads frames until a stream's request has ended (DATA with END_STREAM); returns that stream id.</summary>
    public async Task<int> ReadRequestAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var (h, _) = await ReadFrameAsync(cancellationToken);
            if (h.Type == Http2FrameType.Data && h.Has(Http2Flags.EndStream))
            {
                return h.StreamId;
            }
        }
    }

    public async Task WriteFrameAsync(Http2FrameType type, byte flags, int streamId, ReadOnlyMemory<byte> payload)
    {
        var frame = new byte[Http2FrameHeader.Size + payload.Length];
        Http2FrameHeader.Write(frame, payload.Length, type, flags, streamId);
        payload.CopyTo(frame.AsMemory(Http2FrameHeader.Size));
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(frame);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>An OK response: HEADERS (:status 200, content-type), DATA with one message, trailers (grpc-status 0). With
    /// <paramref name="splitHeaders"/> the response headers come as HEADERS + CONTINUATION.</summary>
    public async Task RespondOkAsync(int streamId, byte[] message, bool splitHeaders = false)
    {
        var headers = new List<byte> { 0x88 }; // :status 200, static index 8
        HpackWriter.Literal(headers, HpackStaticTable.ContentType, "application/grpc");
        var block = headers.ToArray();
        if (splitHeaders)
        {
            await WriteFrameAsync(Http2FrameType.Headers, 0, streamId, block.AsMemory(0, 1));
            await WriteFrameAsync(Http2FrameType.Continuation, Http2Flags.EndHeaders, streamId, block.AsMemory(1));
        }
        else
        {
            await WriteFrameAsync(Http2FrameType.Headers, Http2Flags.EndHeaders, streamId, block);
        }

        var data = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(1), (uint)message.Length);
        message.CopyTo(data, 5);
        await WriteFrameAsync(Http2FrameType.Data, 0, streamId, data);
        var trailers = new List<byte>();
        HpackWriter.Literal(trailers, "grpc-status", "0");
        await WriteFrameAsync(Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, streamId, trailers.ToArray());
    }

    public Task GoAwayAsync(int lastStreamId, Http2ErrorCode code)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(4), (uint)code);
        return WriteFrameAsync(Http2FrameType.GoAway, 0, 0, payload);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _writeLock.Dispose();
    }
}
