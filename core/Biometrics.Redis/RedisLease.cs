using System.Buffers;
using System.Text;

namespace Biometrics.Redis;

/// <summary>
/// A reply value held in a buffer rented from <see cref="ArrayPool{T}.Shared"/>. Read it through
/// <see cref="Span"/> or <see cref="Memory"/>, then <see cref="Dispose"/> it to return the buffer; do not touch
/// it after disposal. Not thread-safe.
/// </summary>
public sealed class RedisLease : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    internal RedisLease(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    internal static RedisLease Copy(ReadOnlySpan<byte> source)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(source.Length, 1));
        source.CopyTo(buffer);
        return new RedisLease(buffer, source.Length);
    }

    /// <summary>The number of bytes in the value.</summary>
    public int Length => _length;

    /// <summary>The value's bytes.</summary>
    public ReadOnlySpan<byte> Span => new(Buffer, 0, _length);

    /// <summary>The value's bytes.</summary>
    public ReadOnlyMemory<byte> Memory => new(Buffer, 0, _length);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(RedisLease));

    /// <summary>A copy of the value as a new array.</summary>
    public byte[] ToArray() => Span.ToArray();

    /// <summary>The value decoded as UTF-8.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Span);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
