using System.Buffers;

namespace Biometrics.Grpc.Tests;

/// <summary>Builds multi-segment sequences to exercise frame parsing across buffer boundaries.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Create(byte[] data, int segmentSize)
    {
        var first = new Segments(data.AsMemory(0, Math.Min(segmentSize, data.Length)), 0);
        var last = first;
        for (var offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            var next = new Segments(data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset)), offset);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
