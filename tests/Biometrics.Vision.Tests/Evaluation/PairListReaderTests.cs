using Biometrics.Vision.Evaluation;

namespace Biometrics.Vision.Tests.Evaluation;

public sealed class PairListReaderTests
{
    [Theory]
    [InlineData("file_x,file_y,Decision\na.jpg,b.jpg,Yes\nc.jpg,d.jpg,No\n")]
    [InlineData("# comment\na.jpg\tb.jpg\t1\n\nc.jpg\td.jpg\t0\n")]
    public void Read_DeepfaceCsvOrTsv_HeaderAndCommentsSkippedLabelsParsed(string text)
    {
        var f = Path.GetTempFileName();
        File.WriteAllText(f, text);
        try
        {
            Assert.Equal([("a.jpg", "b.jpg", true), ("c.jpg", "d.jpg", false)], PairListReader.Read(f).Select(p => (p.PathA, p.PathB, p.Genuine)));
        }
        finally
        {
            File.Delete(f);
        }
    }

    [Fact]
    public void Read_BadLabel_ThrowsNamingTheLine()
    {
        var f = Path.GetTempFileName();
        File.WriteAllText(f, "a.jpg\tb.jpg\t1\nc.jpg\td.jpg\tmaybe\n");
        try
        {
            Assert.Contains(":2: label 'maybe'", Assert.Throws<InvalidDataException>(() => PairListReader.Read(f)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(f);
        }
    }
}
