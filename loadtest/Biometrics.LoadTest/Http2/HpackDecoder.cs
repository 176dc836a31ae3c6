namespace Biometrics.LoadTest.Http2;

/// <summary>
/// An HPACK decoder (RFC 7541): indexed fields from the static and dynamic tables, literals with and without
/// indexing or never indexed, Huffman-coded strings, and dynamic table size updates (bounded by the
/// SETTINGS_HEADER_TABLE_SIZE this side advertised). Every header block of a connection must pass through the
/// same decoder, in order, even for streams nobody waits for. Not thread-safe: one per connection, used by its
/// read loop.
/// </summary>
public sealed class HpackDecoder
{
    /// <summary>Per-entry overhead counted in the table size (RFC 7541 section 4.1).</summary>
    public const int EntryOverhead = 32;

    private readonly int _maxCapacity;
    private (byte[] Name, byte[] Value)[] _ring = new (byte[], byte[])[16];
    private int _newest = -1; // ring slot of the newest entry
    private int _count;
    private byte[] _nameScratch = new byte[256];
    private byte[] _valueScratch = new byte[1024];

    /// <summary>A decoder whose table may grow to <paramref name="maxTableSize"/> bytes (the SETTINGS_HEADER_TABLE_SIZE advertised; 4,096 by default).</summary>
    public HpackDecoder(int maxTableSize = 4096)
    {
        _maxCapacity = maxTableSize;
        Capacity = maxTableSize;
    }

    /// <summary>The dynamic table's current maximum size (changed by size updates in header blocks).</summary>
    public int Capacity { get; private set; }

    /// <summary>The dynamic table's current size: the sum of its entries' sizes (name + value + 32 each).</summary>
    public int Size { get; private set; }

    /// <summary>Entries in the dynamic table.</summary>
    public int Count => _count;

    /// <summary>Dynamic table entry <paramref name="index"/> (1 = newest), for tests and diagnostics.</summary>
    public (byte[] Name, byte[] Value) DynamicEntry(int index)
    {
        if (index < 1 || index > _count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return _ring[Slot(index)];
    }

    /// <summary>Decodes one complete header block (HEADERS plus any CONTINUATION fragments, padding removed), calling <paramref name="sink"/> per field.</summary>
    /// <exception cref="HpackException">The block is malformed; the connection must be closed with COMPRESSION_ERROR.</exception>
    public void Decode(ReadOnlySpan<byte> block, IHpackHeaderSink sink)
    {
        var pos = 0;
        var fieldsSeen = false;
        while (pos < block.Length)
        {
            var b = block[pos];
            if ((b & 0x80) != 0)
            {
                // Indexed header field (6.1).
                var index = ReadInteger(block, ref pos, 7);
                if (index == 0)
                {
                    throw new HpackException("indexed header field with index 0");
                }

                if (index <= HpackStaticTable.Count)
                {
                    sink.OnHeader(HpackStaticTable.Name(index), HpackStaticTable.Value(index));
                }
                else
                {
                    var (name, value) = Dynamic(index);
                    sink.OnHeader(name, value);
                }

                fieldsSeen = true;
            }
            else if ((b & 0xC0) == 0x40)
            {
                // Literal with incremental indexing (6.2.1).
                var index = ReadInteger(block, ref pos, 6);
                var name = index == 0 ? ReadString(block, ref pos, ref _nameScratch) : NameOf(index);
                var value = ReadString(block, ref pos, ref _valueScratch);
                var entry = (name.ToArray(), value.ToArray());
                Add(entry);
                sink.OnHeader(entry.Item1, entry.Item2);
                fieldsSeen = true;
            }
            else if ((b & 0xE0) == 0x20)
            {
                // Dynamic table size update (6.3): only at the start of a block.
                if (fieldsSeen)
                {
                    throw new HpackException("dynamic table size update after a header field");
                }

                var size = ReadInteger(block, ref pos, 5);
                if (size > _maxCapacity)
                {
                    throw new HpackException($"dynamic table size update to {size} exceeds the advertised {_maxCapacity}");
                }

                Capacity = size;
                Evict(0);
            }
            else
            {
                // Literal without indexing (0000) or never indexed (0001) (6.2.2, 6.2.3): 4-bit prefix.
                var index = ReadInteger(block, ref pos, 4);
                var name = index == 0 ? ReadString(block, ref pos, ref _nameScratch) : NameOf(index);
                var value = ReadString(block, ref pos, ref _valueScratch);
                sink.OnHeader(name, value);
                fieldsSeen = true;
            }
        }
    }

    /// <summary>Reads an HPACK integer with an <paramref name="prefixBits"/>-bit prefix (RFC 7541 section 5.1) starting at <paramref name="pos"/>.</summary>
    public static int ReadInteger(ReadOnlySpan<byte> block, ref int pos, int prefixBits)
    {
        var max = (1 << prefixBits) - 1;
        var value = block[pos++] & max;
        if (value < max)
        {
            return value;
        }

        var shift = 0;
        while (true)
        {
            if (pos >= block.Length)
            {
                throw new HpackException("integer runs past the end of the block");
            }

            var b = block[pos++];
            if (shift > 21)
            {
                throw new HpackException("integer too large");
            }

            value += (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> block, ref int pos, ref byte[] scratch)
    {
        if (pos >= block.Length)
        {
            throw new HpackException("string literal missing");
        }

        var huffman = (block[pos] & 0x80) != 0;
        var length = ReadInteger(block, ref pos, 7);
        if (length > block.Length - pos)
        {
            throw new HpackException("string literal runs past the end of the block");
        }

        var raw = block.Slice(pos, length);
        pos += length;
        if (!huffman)
        {
            return raw;
        }

        var need = (int)((length * 8L / 5) + 1);
        if (scratch.Length < need)
        {
            scratch = new byte[Math.Max(need, scratch.Length * 2)];
        }

        var n = HpackHuffman.Decode(raw, scratch);
        return n < 0 ? throw new HpackException("invalid Huffman-coded string") : scratch.AsSpan(0, n);
    }

    private ReadOnlySpan<byte> NameOf(int index)
        => index <= HpackStaticTable.Count ? HpackStaticTable.Name(index) : Dynamic(index).Name;

    private (byte[] Name, byte[] Value) Dynamic(int index)
    {
        var d = index - HpackStaticTable.Count;
        return d > _count ? throw new HpackException($"index {index} beyond the dynamic table ({_count} entries)") : _ring[Slot(d)];
    }

    private int Slot(int dynamicIndex) => ((_newest - (dynamicIndex - 1)) % _ring.Length + _ring.Length) % _ring.Length;

    private void Add((byte[] Name, byte[] Value) entry)
    {
        var size = entry.Name.Length + entry.Value.Length + EntryOverhead;
        if (size > Capacity)
        {
            // An entry larger than the table empties it and is not added (RFC 7541 section 4.4).
            Evict(Capacity + 1);
            _count = 0;
            Size = 0;
            return;
        }

        Evict(size);
        if (_count == _ring.Length)
        {
            var bigger = new (byte[], byte[])[_ring.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                bigger[_count - 1 - i] = _ring[Slot(i + 1)];
            }

            _ring = bigger;
            _newest = _count - 1;
        }

        _newest = (_newest + 1) % _ring.Length;
        _ring[_newest] = entry;
        _count++;
        Size += size;
    }

    /// <summary>Evicts the oldest entries until <paramref name="room"/> more bytes fit within <see cref="Capacity"/>.</summary>
    private void Evict(int room)
    {
        while (_count > 0 && Size + room > Capacity)
        {
            var oldest = Slot(_count);
            var (name, value) = _ring[oldest];
            Size -= name.Length + value.Length + EntryOverhead;
            _ring[oldest] = default;
            _count--;
        }
    }
}
