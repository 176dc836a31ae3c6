using Grpc.Core;
using Biometrics.Protos.V1;
using Google.Protobuf;
using Grpc.Health.V1;

namespace Biometrics.Matcher.IntegrationTests;

[Collection(MatcherCollection.Name)]
public sealed class BadInputTests(MatcherFixture fx)
{
    public static TheoryData<string> Cases => new()
    {
        "wrong_length", "nan", "infinity", "unknown_model", "empty_claim", "empty_probe", "corrupt_image", "oversize_image", "unknown_subject",
        "unknown_gallery", "missing_token", "bad_token", "wrong_role",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Call_BadInput_ClearStatusAndServiceKeepsServing(string name)
    {
        var good = Vectors.Random(900);
        var claim = new Claim { ReferenceTemplate = Vectors.Embedding(good) };
        var gate = fx.A.As("gate");
        (StatusCode Code, Func<Task> Call) c = name switch
        {
            "wrong_length" => (StatusCode.InvalidArgument, Verify(new VerifyRequest { Claim = claim, Probe = Vectors.Probe(new float[511]) }, gate)),
            "nan" => (StatusCode.InvalidArgument, Verify(new VerifyRequest { Claim = claim, Probe = Vectors.Probe(With(good, float.NaN)) }, gate)),
            "infinity" => (StatusCode.InvalidArgument, Verify(new VerifyRequest { Claim = claim, Probe = Vectors.Probe(With(good, float.PositiveInfinity)) }, gate)),
            "unknown_model" => (StatusCode.InvalidArgument, Verify(new VerifyRequest { Claim = claim, Probe = new Probe { Embedding = Vectors.Embedding(good, "fr_feature-000000000000") } }, gate)),
            "empty_claim" => (StatusCode.InvalidArgument, Verify(new VerifyRequest { Probe = Vectors.Probe(good) }, gate)),
            "empty_probe" => (StatusCode.InvalidArgument, Verify(new VerifyRequest { Claim = claim }, gate)),
            "corrupt_image" => (StatusCode.InvalidArgument, Verify(new VerifyRequest { Claim = claim, Probe = new Probe { Image = new FaceImage { Data = ByteString.CopyFrom(new byte[] { 0xFF, 0xD8, 0xFF, 1, 2, 3, 4, 5, 6 }) } } }, gate)),
            "oversize_image" => (StatusCode.ResourceExhausted, Verify(new VerifyRequest { Claim = claim, Probe = new Probe { Image = new FaceImage { Data = ByteString.CopyFrom(new byte[8 * 1024 * 1024 + 10]) } } }, gate)),
            "unknown_subject" => (StatusCode.NotFound, Verify(new VerifyRequest { Claim = new Claim { SubjectId = "never-enrolled" }, Probe = Vectors.Probe(good) }, gate)),
            "unknown_gallery" => (StatusCode.NotFound, () => fx.A.Matcher.IdentifyAsync(new IdentifyRequest { Probe = Vectors.Probe(good), Gallery = "no-such-gallery" }, fx.A.As("operator")).ResponseAsync),
            "missing_token" => (StatusCode.Unauthenticated, Verify(new VerifyRequest { Claim = claim, Probe = Vectors.Probe(good) }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)))),
            "bad_token" => (StatusCode.Unauthenticated, Verify(new VerifyRequest { Claim = claim, Probe = Vectors.Probe(good) }, new CallOptions(new Metadata { { "authorization", "Bearer " + fx.A.Token("gate")[..^4] + "AAAA" } }, DateTime.UtcNow.AddSeconds(10)))),
            "wrong_role" => (StatusCode.PermissionDenied, Verify(new VerifyRequest { Claim = claim, Probe = Vectors.Probe(good) }, fx.A.As("enrolment"))),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var ex = await Assert.ThrowsAsync<RpcException>(c.Call);
        Assert.Equal(c.Code, ex.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(ex.Status.Detail));

        // Still serving: health and a good call.
        var health = await fx.A.Health.CheckAsync(new HealthCheckRequest(), new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10))).ResponseAsync;
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var ok = await fx.A.Matcher.VerifyAsync(new VerifyRequest { Claim = claim, Probe = Vectors.Probe(Vectors.Near(good, 5, 0.2f)) }, gate).ResponseAsync;
        Assert.Equal(Decision.Accept, ok.Decision);
    }

    [Fact]
    public async Task GetStatus_Operator_ReportsModelsThresholdsGalleries()
    {
        var s = await fx.A.Operations.GetStatusAsync(new GetStatusRequest(), fx.A.As("operator")).ResponseAsync;
        // The rewritten copy runs (docs/VISION.md): it carries the published model's id, and the status names and hashes the
        // file that actually runs.
        var model = Assert.Single(s.Models, m => m.ModelId == Vectors.ModelId);
        Assert.Equal("fr_feature_rewritten.onnx", model.File);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Biometrics.Vision.RuntimeDependencies.Model(model.File))));
        Assert.Equal(sha, model.Sha256);
        Assert.NotEqual("87aacdfe5751", model.Sha256[..12]);
        Assert.Contains(s.Thresholds, t => t.ModelId == Vectors.ModelId && t.VerifyThreshold > 0.3f);
        Assert.Contains(s.Galleries, g => g.Name == "residents" && g.Templates > 0);
        Assert.True(s.StoreAvailable);
    }

    private Func<Task> Verify(VerifyRequest r, CallOptions o) => () => fx.A.Matcher.VerifyAsync(r, o).ResponseAsync;

    private static float[] With(float[] v, float bad)
    {
        var c = (float[])v.Clone();
        c[7] = bad;
        return c;
    }
}
