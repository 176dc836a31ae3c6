using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Core.Tests.Policy;

public sealed class ThresholdsTests
{
    private const string Valid = """
        {"version":1,"models":[{"model_id":"fr_feature-87aacdfe",
          "verify":{"target_fmr":0.0001,"threshold":0.41,"achieved_fmr":0.00008,"fnmr":0.02,"resolved":true,"note":null},
          "watchlist":{"target_fmr":0.001,"threshold":0.36,"achieved_fmr":0.0009,"fnmr":0.01,"resolved":true,"note":null},
          "genuine_pairs":300,"impostor_pairs":40000,"date":"2026-11-22"}]}
        """;

    [Fact]
    public void Parse_ValidFile_GivesThresholdsPerModel()
    {
        var t = Thresholds.Parse(Valid);
        Assert.True(t.TryGet("fr_feature-87aacdfe", out var m));
        Assert.Equal(0.41f, m.VerifyThreshold);
        Assert.Equal(0.36f, m.WatchlistThreshold);
        Assert.Equal(40000, m.ImpostorPairs);
        Assert.False(t.TryGet("other", out _));
    }

    [Fact]
    public void ToJson_RoundTrips()
    {
        var t = Thresholds.Parse(Valid);
        Assert.Equal(t.Models, Thresholds.Parse(t.ToJson()).Models);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"models\":[{\"model_id\":\"m\"}]}")]
    public void Parse_Malformed_ThrowsInvalidData(string json) =>
        Assert.Throws<InvalidDataException>(() => Thresholds.Parse(json));

    [Fact]
    public void Parse_ThresholdOutOfRange_ThrowsInvalidData() =>
        Assert.Throws<InvalidDataException>(() => Thresholds.Parse(Valid.Replace("0.41", "7.5", StringComparison.Ordinal)));

    [Fact]
    public void Parse_DuplicateModel_ThrowsInvalidData()
    {
        var t = Thresholds.Parse(Valid);
        var dup = t.ToJson().Replace("\"models\": [", "\"models\": [" + System.Text.Json.JsonSerializer.Serialize(t.Models[0]) + ",", StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => Thresholds.Parse(dup));
    }

    [Fact]
    public void With_SameModelReplacedOthersKept_RoundTripsThroughJson()
    {
        var m1 = Calibrator.Calibrate([new(0.1f, false), new(0.8f, true)], new CalibrationOptions { ModelId = "m1" });
        var other = Calibrator.Calibrate([new(0.2f, false), new(0.9f, true)], new CalibrationOptions { ModelId = "other" });
        var again = Calibrator.Calibrate([new(0.3f, false), new(0.2f, false), new(0.8f, true)], new CalibrationOptions { ModelId = "m1" });
        var set = Thresholds.Parse(Thresholds.Empty.With(m1).With(other).With(again).ToJson());
        Assert.Equal(["m1", "other"], set.Models.Select(m => m.ModelId));
        Assert.True(set.TryGet("m1", out var back));
        Assert.Equal(2, back.ImpostorPairs);
    }
}
