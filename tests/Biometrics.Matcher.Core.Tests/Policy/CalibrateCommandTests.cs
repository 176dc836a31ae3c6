using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Core.Tests.Policy;

public sealed class CalibrateCommandTests
{
    [Fact]
    public void ReadPairs_ScoreLabelTsvWithHeaderAndComments_Parses()
    {
        var pairs = CalibrateCommand.ReadPairs(new StringReader("score\tlabel\n# comment\n0.81\tgenuine\n0.12\t0\n\n0.2\timpostor\n"));
        Assert.Equal([new LabelledScore(0.81f, true), new LabelledScore(0.12f, false), new LabelledScore(0.2f, false)], pairs);
    }

    [Fact]
    public void ReadPairs_EmbeddingPairs_ScoresByCosine()
    {
        var pairs = CalibrateCommand.ReadPairs(new StringReader("1,0,0\t2,0,0\tsame\n1,0\t0,3\tdifferent\n"));
        Assert.Equal(1f, pairs[0].Score, 5);
        Assert.True(pairs[0].IsGenuine);
        Assert.Equal(0f, pairs[1].Score, 5);
        Assert.False(pairs[1].IsGenuine);
    }

    [Theory]
    [InlineData("0.5\tgenuine\nabc\t1\n")]
    [InlineData("0.5\tgenuine\n0.4\tmaybe\n")]
    [InlineData("0.5\tgenuine\n1,2\t1\t1\n")]
    [InlineData("0.5\tgenuine\nNaN\t1\n")]
    public void ReadPairs_BadLine_ThrowsNamingTheLine(string tsv)
    {
        var ex = Assert.Throws<FormatException>(() => CalibrateCommand.ReadPairs(new StringReader(tsv)));
        Assert.StartsWith("line 2:", ex.Message);
    }

    [Fact]
    public void Run_MergesIntoExistingJson_ReplacingTheSameModel()
    {
        var tsv = string.Join('\n', Enumerable.Range(0, 4000).Select(i => $"{i / 10000.0}\t0").Append("0.9\t1").Append("0.7\t1"));
        var existing = Thresholds.Empty
            .With(Calibrator.Calibrate([new(0.1f, false), new(0.8f, true)], new CalibrationOptions { ModelId = "other" }))
            .With(Calibrator.Calibrate([new(0.1f, false), new(0.8f, true)], new CalibrationOptions { ModelId = "m1" }))
            .ToJson();
        var json = CalibrateCommand.Run(new StringReader(tsv), new CalibrationOptions { ModelId = "m1" }, existing);
        var set = Thresholds.Parse(json);
        Assert.Equal(["m1", "other"], set.Models.Select(m => m.ModelId));
        Assert.True(set.TryGet("m1", out var m1));
        Assert.Equal(4000, m1.ImpostorPairs);
        Assert.True(m1.Watchlist.Resolved);
    }

    [Fact]
    public void RunFile_WritesCalibrationFileThatLoads()
    {
        var dir = Directory.CreateTempSubdirectory("calib-");
        try
        {
            var input = Path.Combine(dir.FullName, "pairs.tsv");
            File.WriteAllText(input, "0.1\t0\n0.2\t0\n0.8\t1\n");
            var output = Path.Combine(dir.FullName, "calibration.json");
            var m = CalibrateCommand.RunFile(input, output, new CalibrationOptions { ModelId = "m1" });
            var loaded = Thresholds.Load(output);
            Assert.True(loaded.TryGet("m1", out var back));
            Assert.Equal(m, back);
            Assert.Contains("\"target_fmr\"", File.ReadAllText(output));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
