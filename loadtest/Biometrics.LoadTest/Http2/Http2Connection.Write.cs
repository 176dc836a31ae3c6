using System.Buffers.Binary;

namespace Biometrics.LoadTest.Http2;

internal sealed partial class Http2Connection
{
    /// <summary>The flush work item: writes what callers appended, in as few socket writes as possible.</summary>
    void IThreadPoolWorkItem.Execute() => _ = FlushLoopAsync();

    /// <summary>Reserves <paramref name="length"/> bytes at the end of the output buffer (under the lock).</summary>
    private Span<byte> Reserve(int length)
    {
        if (_outLength + length > _out.Length)
        {
            Array.Resize(ref _out, Math.Max(_outLength + length, _out.Length * 2));
        }

        var span = _out.AsSpan(_outLength, length);
        _outLength += length;
        return span;
    }

    /// <summary>Queues the flush work item unless one is queued or running (it picks up everything appended meanwhile).</summary>
    private void ScheduleFlushLocked()
    {
        if (!_flushScheduled && (_outLength > 0 || _closeAfterFlush))
        {
            _flushScheduled = true;
            // At the end of the batch of steps this thread is starting (the scheduler's, or the calls a read completed):
            // everything the batch appended goes out in one write, and no other thread is woken for it. Otherwise on this
            // thread's local queue, to run once the current work item is done.
            if (!Engine.StepBatch.TryDefer(this))
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            }
        }
    }

    private async Task FlushLoopAsync()
    {
        try
        {
            while (true)
            {
                byte[] buffer;
                int length;
                lock (_sync)
                {
                    if (_outLength == 0 || _closed)
                    {
                        _flushScheduled = false;
                        if (_closeAfterFlush && !_closed)
                        {
                            break;
                        }

                        return;
                    }

                    buffer = _out;
                    length = _outLength;
                    _out = _outSpare;
                    _outSpare = buffer;
                    _outLength = 0;
                }

                await _transport.WriteAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Abort("connection lost while writing: " + e.Message);
            return;
        }
        catch (Exception e)
        {
            // Nothing may escape unobserved: pending calls would wait forever.
            Abort("client error while writing: " + e.Message);
            return;
        }

        Abort(CloseReason ?? "closed after GOAWAY");
    }

    /// <summary>Writes whatever is pending right now (used when closing).</summary>
    private async Task FlushOnceAsync()
    {
        byte[] buffer;
        int length;
        lock (_sync)
        {
            if (_flushScheduled || _outLength == 0)
            {
                return; // the scheduled flush writes it
            }

            buffer = _out;
            length = _outLength;
            _out = _outSpare;
            _outSpare = buffer;
            _outLength = 0;
            _flushScheduled = true;
        }

        try
        {
            await _transport.WriteAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
        }
        finally
        {
            lock (_sync)
            {
                _flushScheduled = false;
            }
        }
    }

    private void WriteWindowUpdateLocked(int streamId, int increment)
    {
        var frame = Reserve(Http2FrameHeader.Size + 4);
        Http2FrameHeader.Write(frame, 4, Http2FrameType.WindowUpdate, 0, streamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame[9..], (uint)increment);
    }

    private void WriteRstStreamLocked(int streamId, Http2ErrorCode code)
    {
        var frame = Reserve(Http2FrameHeader.Size + 4);
        Http2FrameHeader.Write(frame, 4, Http2FrameType.RstStream, 0, streamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame[9..], (uint)code);
        ScheduleFlushLocked();
    }

    private void WriteGoAwayLocked(Http2ErrorCode code)
    {
        var frame = Reserve(Http2FrameHeader.Size + 8);
        Http2FrameHeader.Write(frame, 8, Http2FrameType.GoAway, 0, 0);
        BinaryPrimitives.WriteUInt32BigEndian(frame[9..], 0); // no server-initiated streams were accepted
        BinaryPrimitives.WriteUInt32BigEndian(frame[13..], (uint)code);
    }
}
