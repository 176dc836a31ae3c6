using System.Text;
using Biometrics.LoadTest.Http2;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>Collects decoded header fields as strings, for assertions.</summary>
internal sealed class HeaderList : IHpackHeaderSink
{
    public List<(string Name, string Value)> Fields { get; } = [];

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Fields.Add((Encoding.ASCII.GetString(name), Encoding.ASCII.GetString(value)));

    public static List<(string Name, string Value)> Decode(HpackDecoder decoder, string hex)
    {
        var sink = new HeaderList();
        decoder.Decode(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal)), sink);
        return sink.Fields;
    }
}
