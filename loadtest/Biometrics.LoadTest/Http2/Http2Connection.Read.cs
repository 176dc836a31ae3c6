using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net.Sockets;

namespace Biometrics.LoadTest.Http2;

internal sealed partial class Http2Connection : IHpackHeaderSink
{
    /// <summary>The largest frame payload accepted: SETTINGS_MAX_FRAME_SIZE is left at its default.</summary>
    private const int MaxReceiveFrame = 16_384;

    /// <summary>Responses larger than this fail with RESOURCE_EXHAUSTED instead of growing the buffer further.</summary>
    private const int MaxResponseBytes = 64 * 1024 * 1024;

    private readonly HpackDecoder _decoder = new();
    private readonly List<Http2Call> _scratchCalls = [];
    private byte[] _headerBlock = new byte[4096];
    private int _headerBlockLength;
    private int _headerStreamId;
    private bool _headerEndStream;
    private bool _inHeaderBlock;

    // What the header block being decoded said (read loop only).
    private int _seenHttpStatus;
    private int _seenGrpcStatus;
    private string? _seenGrpcMessage;

    /// <inheritdoc />
    void IHpackHeaderSink.OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (name.SequenceEqual(":status"u8))
        {
            _seenHttpStatus = Utf8Parser.TryParse(value, out int s, out var n) && n == value.Length ? s : 0;
        }
        else if (name.SequenceEqual("grpc-status"u8))
        {
            _seenGrpcStatus = Utf8Parser.TryParse(value, out int s, out var n) && n == value.Length ? s : 2;
        }
        else if (name.SequenceEqual("grpc-message"u8))
        {
            _seenGrpcMessage = value.IsEmpty ? null : GrpcMessageText.Decode(value);
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                var n = await _transport.ReadAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                if (n == 0)
                {
                    Abort("the server closed the connection");
                    return;
                }

                end += n;

                // The frames of one read, and the continuations of the calls they complete, are one batch: what they
                // write (a gate session's next probe, WINDOW_UPDATE) goes out in one write at its end.
                Engine.StepBatch.Begin();
                try
                {
                    while (end - start >= Http2FrameHeader.Size)
                    {
                        var header = Http2FrameHeader.Read(buffer.AsSpan(start));
                        if (header.Length > MaxReceiveFrame)
                        {
                            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, $"a {header.Type} frame of {header.Length} bytes exceeds SETTINGS_MAX_FRAME_SIZE");
                        }

                        if (end - start < Http2FrameHeader.Size + header.Length)
                        {
                            break;
                        }

                        ProcessFrame(header, buffer.AsSpan(start + Http2FrameHeader.Size, header.Length));
                        start += Http2FrameHeader.Size + header.Length;
                    }

                    SignalCompleted();
                }
                finally
                {
                    Engine.StepBatch.End();
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
            }
        }
        catch (Http2ConnectionException e)
        {
            await FailConnectionAsync(e.Code, "protocol error: " + e.Message).ConfigureAwait(false);
        }
        catch (HpackException e)
        {
            await FailConnectionAsync(Http2ErrorCode.CompressionError, "header compression error: " + e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            Abort(_closed ? CloseReason ?? "closed" : "connection lost: " + e.Message);
        }
        catch (Exception e)
        {
            // Nothing may escape unobserved: pending calls would wait forever.
            await FailConnectionAsync(Http2ErrorCode.InternalError, "client error: " + e.Message).ConfigureAwait(false);
        }
    }

    private async Task FailConnectionAsync(Http2ErrorCode code, string reason)
    {
        lock (_sync)
        {
            WriteGoAwayLocked(code);
        }

        try
        {
            await FlushOnceAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Best effort.
        }

        Abort(reason);
    }

    private void ProcessFrame(Http2FrameHeader h, ReadOnlySpan<byte> payload)
    {
        if (_inHeaderBlock && (h.Type != Http2FrameType.Continuation || h.StreamId != _headerStreamId))
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"{h.Type} frame inside a header block (CONTINUATION expected)");
        }

        switch (h.Type)
        {
            case Http2FrameType.Data:
                OnData(h, payload);
                break;
            case Http2FrameType.Headers:
                OnHeaders(h, payload);
                break;
            case Http2FrameType.Continuation:
                if (!_inHeaderBlock)
                {
                    throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "CONTINUATION without a header block");
                }

                AppendHeaderFragment(payload);
                if (h.Has(Http2Flags.EndHeaders))
                {
                    EndHeaderBlock();
                }

                break;
            case Http2FrameType.RstStream:
                OnRstStream(h, payload);
                break;
            case Http2FrameType.Settings:
                OnSettings(h, payload);
                break;
            case Http2FrameType.Ping:
                OnPing(h, payload);
                break;
            case Http2FrameType.GoAway:
                OnGoAway(h, payload);
                break;
            case Http2FrameType.WindowUpdate:
                OnWindowUpdate(h, payload);
                break;
            case Http2FrameType.PushPromise:
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0");
            default:
                break; // PRIORITY and unknown types are ignored (RFC 9113 sections 5.5 and 6.3).
        }
    }

    private static ReadOnlySpan<byte> Unpad(Http2FrameHeader h, ReadOnlySpan<byte> payload, int priorityBytes)
    {
        var pad = 0;
        if (h.Has(Http2Flags.Padded))
        {
            if (payload.IsEmpty)
            {
                throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "padded frame without a pad length");
            }

            pad = payload[0];
            payload = payload[1..];
        }

        if (payload.Length < priorityBytes + pad)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "padding longer than the frame");
        }

        return payload[priorityBytes..^pad];
    }

    private void OnData(Http2FrameHeader h, ReadOnlySpan<byte> payload)
    {
        if (h.StreamId == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "DATA on stream 0");
        }

        var data = Unpad(h, payload, 0);
        lock (_sync)
        {
            // The connection's credit goes back on receipt, in batches: what arrived is in its call's buffer, bounded by the stream's window.
            _connectionReceivedUnacknowledged += h.Length;
            if (_connectionReceivedUnacknowledged >= ReceiveWindow / 2)
            {
                WriteWindowUpdateLocked(0, _connectionReceivedUnacknowledged);
                _connectionReceivedUnacknowledged = 0;
                ScheduleFlushLocked();
            }

            if (!_streams.TryGetValue(h.StreamId, out var call))
            {
                return; // a stream we already finished (deadline, cancel, RST): drop its data
            }

            if (call.HeaderBlocks == 0)
            {
                WriteRstStreamLocked(h.StreamId, Http2ErrorCode.ProtocolError);
                FinishLocked(call, 13, "DATA before the response headers");
                return;
            }

            if (call.BodyLength + data.Length > MaxResponseBytes && (!call.Streaming || call.Unread + data.Length > MaxResponseBytes))
            {
                WriteRstStreamLocked(h.StreamId, Http2ErrorCode.Cancel);
                FinishLocked(call, 8, $"response larger than {MaxResponseBytes} bytes");
                return;
            }

            call.AppendBody(data);
            if (call.Streaming)
            {
                // Padding is credited at once; the messages when the reader takes them (Read).
                call.ReceivedUnacknowledged += h.Length - data.Length;
                if (call.ReadPending)
                {
                    var taken = call.TryTakeMessage();
                    if (taken >= 0)
                    {
                        call.AnswerRead(true);
                        _toSignal.Add(call);
                        call.ReceivedUnacknowledged += taken;
                    }
                    else if (taken == -2)
                    {
                        WriteRstStreamLocked(h.StreamId, Http2ErrorCode.Cancel);
                        FinishLocked(call, 13, "compressed response message (no encoding was offered)");
                        return;
                    }
                }
            }
            else
            {
                // A unary response is consumed at once (copied to the call): its credit goes back straight away, in batches.
                call.ReceivedUnacknowledged += h.Length;
            }

            if (h.Has(Http2Flags.EndStream))
            {
                FinishLocked(call, 13, "the response ended without trailers");
                return;
            }

            if (call.ReceivedUnacknowledged >= ReceiveWindow / 2)
            {
                WriteWindowUpdateLocked(h.StreamId, call.ReceivedUnacknowledged);
                call.ReceivedUnacknowledged = 0;
                ScheduleFlushLocked();
            }
        }
    }

    private void OnHeaders(Http2FrameHeader h, ReadOnlySpan<byte> payload)
    {
        if (h.StreamId == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "HEADERS on stream 0");
        }

        var fragment = Unpad(h, payload, h.Has(Http2Flags.Priority) ? 5 : 0);
        _headerStreamId = h.StreamId;
        _headerEndStream = h.Has(Http2Flags.EndStream);
        _headerBlockLength = 0;
        AppendHeaderFragment(fragment);
        if (h.Has(Http2Flags.EndHeaders))
        {
            EndHeaderBlock();
        }
        else
        {
            _inHeaderBlock = true;
        }
    }

    private void AppendHeaderFragment(ReadOnlySpan<byte> fragment)
    {
        if (_headerBlockLength + fragment.Length > 1024 * 1024)
        {
            throw new Http2ConnectionException(Http2ErrorCode.EnhanceYourCalm, "header block larger than 1 MiB");
        }

        if (_headerBlockLength + fragment.Length > _headerBlock.Length)
        {
            Array.Resize(ref _headerBlock, Math.Max(_headerBlockLength + fragment.Length, _headerBlock.Length * 2));
        }

        fragment.CopyTo(_headerBlock.AsSpan(_headerBlockLength));
        _headerBlockLength += fragment.Length;
    }

    private void EndHeaderBlock()
    {
        _inHeaderBlock = false;
        _seenHttpStatus = -1;
        _seenGrpcStatus = -1;
        _seenGrpcMessage = null;

        // Decoded whether or not anyone waits for the stream: the dynamic table must stay in step with the peer's.
        _decoder.Decode(_headerBlock.AsSpan(0, _headerBlockLength), this);
        lock (_sync)
        {
            if (!_streams.TryGetValue(_headerStreamId, out var call))
            {
                return;
            }

            if (call.HeaderBlocks == 0)
            {
                if (_seenHttpStatus is >= 100 and < 200 && !_headerEndStream)
                {
                    return; // informational response: the real one follows
                }

                call.HttpStatus = Math.Max(0, _seenHttpStatus);
            }
            else if (!_headerEndStream)
            {
                WriteRstStreamLocked(_headerStreamId, Http2ErrorCode.ProtocolError);
                FinishLocked(call, 13, "trailers without END_STREAM");
                return;
            }

            call.HeaderBlocks++;
            if (_seenGrpcStatus >= 0)
            {
                call.GrpcStatus = _seenGrpcStatus;
                call.GrpcMessage = _seenGrpcMessage;
            }

            if (_headerEndStream)
            {
                if (!call.EndStreamSent)
                {
                    // The response is complete before the request (a streaming call the server ended): stop the request side.
                    WriteRstStreamLocked(_headerStreamId, Http2ErrorCode.NoError);
                }

                if (call.GrpcStatus >= 0)
                {
                    FinishLocked(call, call.GrpcStatus, call.GrpcMessage);
                }
                else
                {
                    FinishLocked(call, call.HttpStatus == 200 ? 13 : 2, call.HttpStatus == 200 ? "no grpc-status in the response" : "HTTP status " + call.HttpStatus);
                }
            }
        }
    }

    private void OnRstStream(Http2FrameHeader h, ReadOnlySpan<byte> payload)
    {
        if (h.StreamId == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "RST_STREAM on stream 0");
        }

        if (payload.Length != 4)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "RST_STREAM is 4 bytes");
        }

        var code = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload);
        lock (_sync)
        {
            if (_streams.TryGetValue(h.StreamId, out var call))
            {
                // Status mapping of gRPC PROTOCOL-HTTP2 ("Errors").
                var status = code switch
                {
                    Http2ErrorCode.RefusedStream => 14,
                    Http2ErrorCode.Cancel => 1,
                    Http2ErrorCode.EnhanceYourCalm => 8,
                    Http2ErrorCode.InadequateSecurity => 7,
                    _ => 13,
                };
                FinishLocked(call, status, $"stream reset by the server ({code})");
            }
        }
    }

    private void OnSettings(Http2FrameHeader h, ReadOnlySpan<byte> payload)
    {
        if (h.StreamId != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS on a stream");
        }

        if (h.Has(Http2Flags.Ack))
        {
            if (payload.Length != 0)
            {
                throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "SETTINGS ACK with a payload");
            }

            return;
        }

        if (payload.Length % 6 != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "SETTINGS payload is not a multiple of 6");
        }

        lock (_sync)
        {
            for (var i = 0; i < payload.Length; i += 6)
            {
                var id = (Http2SettingId)BinaryPrimitives.ReadUInt16BigEndian(payload[i..]);
                var value = BinaryPrimitives.ReadUInt32BigEndian(payload[(i + 2)..]);
                switch (id)
                {
                    case Http2SettingId.MaxConcurrentStreams:
                        _peerMaxConcurrent = (int)Math.Min(value, int.MaxValue);
                        break;
                    case Http2SettingId.InitialWindowSize:
                        if (value > int.MaxValue)
                        {
                            throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1");
                        }

                        var delta = (long)value - _peerInitialWindow;
                        foreach (var call in _streams.Values)
                        {
                            call.SendWindow += delta;
                        }

                        _peerInitialWindow = (int)value;
                        break;
                    case Http2SettingId.MaxFrameSize:
                        if (value is < 16_384 or > 16_777_215)
                        {
                            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS_MAX_FRAME_SIZE out of range");
                        }

                        _peerMaxFrame = (int)value;
                        break;
                    default:
                        break; // HEADER_TABLE_SIZE: our encoder never uses the dynamic table; others are advisory or unknown.
                }
            }

            var ack = Reserve(Http2FrameHeader.Size);
            Http2FrameHeader.Write(ack, 0, Http2FrameType.Settings, Http2Flags.Ack, 0);
            StartWaitingLocked();
            ResumeBlockedLocked();
            ScheduleFlushLocked();
        }

        _ready.TrySetResult();
    }

    private void OnPing(Http2FrameHeader h, ReadOnlySpan<byte> payload)
    {
        if (h.StreamId != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PING on a stream");
        }

        if (payload.Length != 8)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "PING is 8 bytes");
        }

        if (h.Has(Http2Flags.Ack))
        {
            return;
        }

        lock (_sync)
        {
            var frame = Reserve(Http2FrameHeader.Size + 8);
            Http2FrameHeader.Write(frame, 8, Http2FrameType.Ping, Http2Flags.Ack, 0);
            payload.CopyTo(frame[9..]);
            ScheduleFlushLocked();
        }
    }

    private void OnGoAway(Http2FrameHeader h, ReadOnlySpan<byte> payload)
    {
        if (h.StreamId != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "GOAWAY on a stream");
        }

        if (payload.Length < 8)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "GOAWAY is at least 8 bytes");
        }

        var last = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFF_FFFF);
        var code = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
        lock (_sync)
        {
            _goAway = true;
            _goAwayLastStreamId = Math.Min(_goAwayLastStreamId, last);
            var reason = $"GOAWAY ({code}) from the server";
            CloseReason ??= reason;

            // Streams above last-stream-id were not (and will not be) processed: they fail; those below run to the end.
            _scratchCalls.Clear();
            foreach (var call in _streams.Values)
            {
                if (call.StreamId > _goAwayLastStreamId)
                {
                    _scratchCalls.Add(call);
                }
            }

            foreach (var call in _scratchCalls)
            {
                FinishLocked(call, 14, reason + ": the stream was not processed");
            }

            _scratchCalls.Clear();
            while (_waiting.TryDequeue(out var waiting))
            {
                EndLocked(waiting, 14, reason);
            }

            StartWaitingLocked(); // closes the connection once nothing is open
        }
    }

    private void OnWindowUpdate(Http2FrameHeader h, ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 4)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "WINDOW_UPDATE is 4 bytes");
        }

        var increment = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFF_FFFF);
        lock (_sync)
        {
            if (h.StreamId == 0)
            {
                if (increment == 0)
                {
                    throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "WINDOW_UPDATE of 0 on the connection");
                }

                _sendWindow += increment;
                if (_sendWindow > int.MaxValue)
                {
                    throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "connection send window above 2^31-1");
                }
            }
            else if (_streams.TryGetValue(h.StreamId, out var call))
            {
                call.SendWindow += increment;
                if (increment == 0 || call.SendWindow > int.MaxValue)
                {
                    WriteRstStreamLocked(h.StreamId, increment == 0 ? Http2ErrorCode.ProtocolError : Http2ErrorCode.FlowControlError);
                    FinishLocked(call, 13, "invalid WINDOW_UPDATE from the server");
                    return;
                }
            }

            ResumeBlockedLocked();
        }
    }
}
