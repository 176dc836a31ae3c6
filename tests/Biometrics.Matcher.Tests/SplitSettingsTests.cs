using Biometrics.Matcher.Configuration;

namespace Biometrics.Matcher.Tests;

public sealed class SplitSettingsTests
{
    [Fact]
    public void Check_Default_NotSplitAndValid() => Assert.Empty(new SplitSettings().Check(developmentMode: false));

    [Fact]
    public void Check_ThreePartsWithHolders_ValidAndParsedWithoutOwnPart()
    {
        var s = new SplitSettings
        {
            Parts = 3,
            Part = 1,
            Holders = { ["0"] = "https://m1:50051, https://m4:50051", ["2"] = "https://m3:50051", ["1"] = "https://m5:50051" },
        };
        Assert.Empty(s.Check(developmentMode: false));
        var holders = s.ParseHolders();
        Assert.Equal([0, 2], holders.Keys.Order());
        Assert.Equal(["https://m1:50051/", "https://m4:50051/"], holders[0].Select(u => u.ToString()));
    }

    [Theory]
    [InlineData(0, 0, "", "Matcher:Split:Parts must be 1..64")]
    [InlineData(65, 0, "", "Matcher:Split:Parts must be 1..64")]
    [InlineData(3, 3, "0=http://a:1;1=http://b:1;2=http://c:1", "Matcher:Split:Part must be 0..2")]
    [InlineData(3, 0, "1=http://a:1", "Matcher:Split:Holders has no holder of part 2")]
    [InlineData(3, 0, "1=http://a:1;2=", "Matcher:Split:Holders has no holder of part 2")]
    [InlineData(3, 0, "1=http://a:1;2=not an address", "Matcher:Split:Holders:2 'not an address' is not an address")]
    [InlineData(3, 0, "1=http://a:1;2=ftp://c:1", "is not an address")]
    [InlineData(3, 0, "1=http://a:1;2=http://c:1;7=http://d:1", "Matcher:Split:Holders:7 names no part")]
    [InlineData(3, 0, "1=http://a:1;2=http://c:1;x=http://d:1", "Matcher:Split:Holders:x names no part")]
    [InlineData(1, 0, "1=http://a:1", "Matcher:Split:Holders is set but Matcher:Split:Parts is 1")]
    public void Check_BadSettings_MessageNamesTheKey(int parts, int part, string holders, string expected)
    {
        var s = new SplitSettings { Parts = parts, Part = part };
        foreach (var h in holders.Split(';', StringSplitOptions.RemoveEmptyEntries)) s.Holders[h.Split('=')[0]] = h[(h.IndexOf('=') + 1)..];
        Assert.Contains(s.Check(developmentMode: true), m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Check_PlainTextHolderOutsideDevelopmentMode_Refused()
    {
        var s = new SplitSettings { Parts = 2, Part = 0, Holders = { ["1"] = "http://m2:50051" } };
        Assert.Empty(s.Check(developmentMode: true));
        Assert.Contains(s.Check(developmentMode: false), m => m.Contains("plain text (http://)", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_TlsWithoutPeerCertificates_RefusedNamingTheSettings()
    {
        var s = new SplitSettings { Parts = 2, Part = 0, Holders = { ["1"] = "https://m2:50051" } };
        var errors = s.Check(developmentMode: false, tls: true);
        Assert.Contains(errors, m => m.StartsWith("Matcher:Split:PeerCertificateFile is not set", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.StartsWith("Matcher:Split:PeerCaFile is not set", StringComparison.Ordinal));
        s.PeerCertificateFile = "/nonexistent/peer.pem";
        s.PeerCaFile = "/nonexistent/ca.pem";
        Assert.Contains(s.Check(developmentMode: false, tls: true), m => m.Contains("'/nonexistent/ca.pem' does not exist", StringComparison.Ordinal));
        // Development mode on https:// is TLS too: plain-text holders would bypass the peers' mutual TLS.
        s.Holders["1"] = "http://m2:50051";
        Assert.Contains(s.Check(developmentMode: true, tls: true), m => m.Contains("its peers talk mutual TLS", StringComparison.Ordinal));
        // Not split: no peer settings needed.
        Assert.Empty(new SplitSettings().Check(developmentMode: false, tls: true));
    }
}
