using Biometrics.Protos.V1;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// Reads the two fields a lane acts on from a <see cref="GateSessionResponse"/>'s bytes, <c>final</c> and the verdict's
/// <c>decision</c>, without materialising the message: a full parse made a response, a verdict, its timings and five
/// strings for every update (docs/PERFORMANCE.md, "Busy lanes (issue 16)", sixth round). Bytes this reader does not
/// understand go to the generated parser, so a malformed update fails as it did. Stateless; thread-safe.
/// </summary>
internal static class GateUpdateReader
{
    /// <summary>Whether the update is final, and its decision (null when it carries no verdict).</summary>
    /// <exception cref="Google.Protobuf.InvalidProtocolBufferException">The bytes are not a GateSessionResponse.</exception>
    public static (bool Final, Decision? Decision) Read(ReadOnlySpan<byte> message)
    {
        var final = false;
        Decision? decision = null;
        var m = message;
        while (!m.IsEmpty)
        {
            if (!TryVarint(ref m, out var tag)) return Parsed(message);
            switch (tag)
            {
                case (3 << 3) | 0: // final
                    if (!TryVarint(ref m, out var f)) return Parsed(message);
                    final = f != 0;
                    break;
                case (2 << 3) | 2: // verdict (a message: the last one's fields win, and occurrences merge)
                    if (!TryLength(ref m, out var verdict) || !TryDecision(verdict, ref decision)) return Parsed(message);
                    decision ??= Decision.Unspecified;
                    break;
                default:
                    if (!TrySkip(ref m, tag)) return Parsed(message);
                    break;
            }
        }

        return (final, decision);
    }

    private static (bool, Decision?) Parsed(ReadOnlySpan<byte> message)
    {
        var update = GateSessionResponse.Parser.ParseFrom(message);
        return (update.Final, update.Verdict?.Decision);
    }

    private static bool TryDecision(ReadOnlySpan<byte> verdict, ref Decision? decision)
    {
        while (!verdict.IsEmpty)
        {
            if (!TryVarint(ref verdict, out var tag)) return false;
            if (tag == ((1 << 3) | 0))
            {
                if (!TryVarint(ref verdict, out var d)) return false;
                decision = (Decision)(int)d;
            }
            else if (!TrySkip(ref verdict, tag))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySkip(ref ReadOnlySpan<byte> m, ulong tag)
    {
        if (tag >> 3 == 0) return false; // field 0 is invalid
        switch (tag & 7)
        {
            case 0: return TryVarint(ref m, out _);
            case 1: return TryAdvance(ref m, 8);
            case 2: return TryLength(ref m, out _);
            case 5: return TryAdvance(ref m, 4);
            default: return false; // groups: not in this message
        }
    }

    private static bool TryLength(ref ReadOnlySpan<byte> m, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryVarint(ref m, out var length) || length > (ulong)m.Length) return false;
        value = m[..(int)length];
        m = m[(int)length..];
        return true;
    }

    private static bool TryAdvance(ref ReadOnlySpan<byte> m, int count)
    {
        if (m.Length < count) return false;
        m = m[count..];
        return true;
    }

    private static bool TryVarint(ref ReadOnlySpan<byte> m, out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10 && i < m.Length; i++)
        {
            value |= (ulong)(m[i] & 0x7F) << (7 * i);
            if (m[i] < 0x80)
            {
                m = m[(i + 1)..];
                return true;
            }
        }

        return false;
    }
}
