using Grpc.Core;
using Biometrics.Matcher.Security;
using Biometrics.Protos.V1;
using Google.Protobuf;

namespace Biometrics.Matcher.IntegrationTests;

[Collection(MatcherCollection.Name)]
public sealed class VerifyEndToEndTests(MatcherFixture fx)
{
    private static FaceImage Img(byte[] bytes) => new() { Data = ByteString.CopyFrom(bytes) };

    private Task<Verdict> VerifyAsync(MatcherInstance m, VerifyRequest r, double deadline = 30) =>
        m.Matcher.VerifyAsync(r, m.As("gate", deadline)).ResponseAsync;

    [Fact]
    public void Enrol_DeepfaceIdentitiesFromImages_AllEnrolled()
    {
        Assert.Equal(fx.Faces.Identities.Count, fx.Enrolled.Count);
        Assert.All(fx.Enrolled.Values, r => Assert.Equal(EnrolStatus.Enrolled, r.Status));
        Assert.All(fx.Enrolled.Values, r => Assert.Equal(Vectors.ModelId, r.ModelId));
    }

    [Fact]
    public async Task Verify_EnrolledIdentityClaims_GenuineAcceptImpostorReject()
    {
        // Every labelled pair with one side an enrolled image: probe = the other image, claim = that identity.
        var reps = fx.Faces.Identities.Values.Select(Deepface.Representative).ToHashSet(StringComparer.Ordinal);
        var cases = new List<(string Probe, string Claim, bool Same)>();
        foreach (var (a, b, same) in fx.Faces.Pairs)
        {
            if (reps.Contains(b) && a != b) cases.Add((a, fx.Faces.IdentityOf[b], same));
            else if (reps.Contains(a) && a != b) cases.Add((b, fx.Faces.IdentityOf[a], same));
        }

        Assert.True(cases.Count >= 50, $"only {cases.Count} cases");
        var failures = new List<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, _) =>
        {
            var v = await VerifyAsync(fx.A, new VerifyRequest { Claim = new Claim { SubjectId = c.Claim }, Probe = new Probe { Image = Img(fx.Faces.Image(c.Probe)) }, GateId = "g1", LaneId = "l1" });
            var expected = c.Same ? Decision.Accept : Decision.Reject;
            if (v.Decision != expected) lock (failures) failures.Add($"{c.Probe} vs {c.Claim}: {v.Decision} {v.Score:F3} {v.Reason}");
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Verify_LabelledPairsWithChipPhotoClaims_GenuineAcceptImpostorReject()
    {
        var failures = new List<string>();
        await Parallel.ForEachAsync(fx.Faces.Pairs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (p, _) =>
        {
            var v = await VerifyAsync(fx.A, new VerifyRequest
            {
                Claim = new Claim { ReferenceImage = Img(fx.Faces.Image(p.B)) },
                Probe = new Probe { Image = Img(fx.Faces.Image(p.A)) },
                SkipWatchlist = true,
            });
            if (v.Decision != (p.Same ? Decision.Accept : Decision.Reject)) lock (failures) failures.Add($"{p.A}/{p.B} same={p.Same}: {v.Decision} {v.Score:F3} {v.Reason}");
            Assert.True(v.Timings.PipelineMs > 0);
            Assert.False(string.IsNullOrEmpty(v.TransactionId));
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Verify_WatchlistedIdentity_ReferWithHit()
    {
        var members = fx.Faces.Identities.Values.First(m => m.Count >= 3);
        var listed = members[1];
        var enrol = new EnrolRequest { RequestId = "wl-" + listed, SubjectId = "watch-" + listed, Galleries = { "watchlist" } };
        enrol.Images.Add(Img(fx.Faces.Image(listed)));
        var e = await fx.A.Enrolment.EnrolAsync(enrol, fx.A.As("enrolment")).ResponseAsync;
        Assert.Equal(EnrolStatus.Enrolled, e.Status);

        var request = new VerifyRequest { Claim = new Claim { SubjectId = fx.Faces.IdentityOf[members[2]] }, Probe = new Probe { Image = Img(fx.Faces.Image(members[2])) } };
        Verdict v = null!;
        for (var i = 0; i < 100; i++) // the replica applies the enrolment from the change stream
        {
            v = await VerifyAsync(fx.A, request);
            if (v.Decision == Decision.Refer) break;
            await Task.Delay(100);
        }

        Assert.Equal(Decision.Refer, v.Decision);
        Assert.Equal("watchlist_hit", v.Reason);
        var hit = Assert.Single(v.WatchlistHits);
        Assert.Equal(e.SubjectKey, hit.SubjectKey);
        Assert.Equal("watchlist", hit.Gallery);
        Assert.True(hit.Score >= hit.Threshold);
    }

    [Fact]
    public async Task Verify_QrTokens_ValidAcceptsForgedExpiredReplayedRefused()
    {
        var v0 = Vectors.Random(101);
        await EnrolTemplateAsync("qr-subject", v0);
        using var issuer = new QrTokenIssuer("dev", KeyMaterial.LoadEcPrivateKey(Path.Combine(fx.KeysDirectory, "qr-issuer-dev.pem")));
        using var forger = new QrTokenIssuer("dev", DevKeys.CreateQrIssuerKey());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        VerifyRequest Req(string token) => new() { Claim = new Claim { QrToken = token }, Probe = Vectors.Probe(Vectors.Near(v0, 7, 0.2f)) };

        var valid = issuer.Issue("qr-subject", TimeSpan.FromMinutes(5));
        Assert.Equal(Decision.Accept, (await VerifyAsync(fx.B, Req(valid))).Decision);

        var replay = await Assert.ThrowsAsync<RpcException>(() => VerifyAsync(fx.A, Req(valid)));
        Assert.Equal(StatusCode.PermissionDenied, replay.StatusCode);
        Assert.StartsWith("qr_replayed", replay.Status.Detail);

        var forged = await Assert.ThrowsAsync<RpcException>(() => VerifyAsync(fx.A, Req(forger.Issue("qr-subject", TimeSpan.FromMinutes(5)))));
        Assert.Equal(StatusCode.PermissionDenied, forged.StatusCode);
        Assert.StartsWith("qr_bad_signature", forged.Status.Detail);

        var expired = await Assert.ThrowsAsync<RpcException>(() => VerifyAsync(fx.A, Req(issuer.Issue(new QrTokenPayload("dev", "qr-subject", now - 600, now - 300, QrTokenIssuer.NewNonce())))));
        Assert.Equal(StatusCode.PermissionDenied, expired.StatusCode);
        Assert.StartsWith("qr_expired", expired.Status.Detail);
    }

    [Fact]
    public async Task DeleteSubject_TwoReplicas_VerifyNotFoundOnBothAndGoneFromGalleries()
    {
        var v = Vectors.Random(202);
        var key = (await EnrolTemplateAsync("erase-me", v, "erasure")).SubjectKey;
        var request = new VerifyRequest { Claim = new Claim { SubjectId = "erase-me" }, Probe = Vectors.Probe(Vectors.Near(v, 3, 0.2f)), SkipWatchlist = true };
        Assert.Equal(Decision.Accept, (await VerifyAsync(fx.A, request)).Decision);
        Assert.Equal(Decision.Accept, (await VerifyAsync(fx.B, request)).Decision);
        await WaitAsync(async () => (await IdentifyAsync(fx.B, v, "erasure")).Candidates.Any(c => c.SubjectKey == key));

        var deleted = await fx.A.Enrolment.DeleteSubjectAsync(new DeleteSubjectRequest { SubjectId = "erase-me", RequestId = "del-1" }, fx.A.As("enrolment")).ResponseAsync;
        Assert.True(deleted.Deleted);
        Assert.Equal(key, deleted.SubjectKey);
        foreach (var m in new[] { fx.A, fx.B })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => VerifyAsync(m, request));
            Assert.Equal(StatusCode.NotFound, ex.StatusCode);
            await WaitAsync(async () => !(await IdentifyAsync(m, v, "erasure")).Candidates.Any(c => c.SubjectKey == key));
            var get = await Assert.ThrowsAsync<RpcException>(() => m.Enrolment.GetSubjectAsync(new GetSubjectRequest { SubjectId = "erase-me" }, m.As("operator")).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, get.StatusCode);
        }
    }

    [Fact]
    public async Task Enrol_SameRequestIdTwice_SecondReplayedReEnrolBumpsVersion()
    {
        var v = Vectors.Random(303);
        var first = await EnrolTemplateAsync("idem", v, requestId: "idem-1");
        var again = await EnrolTemplateAsync("idem", v, requestId: "idem-1");
        Assert.True(again.Replayed);
        Assert.Equal(first.Version, again.Version);
        var re = await EnrolTemplateAsync("idem", Vectors.Random(304), requestId: "idem-2");
        Assert.Equal(first.Version + 1, re.Version);
        var info = await fx.B.Enrolment.GetSubjectAsync(new GetSubjectRequest { SubjectId = "idem" }, fx.B.As("operator")).ResponseAsync;
        Assert.Equal(re.Version, info.Version);
        Assert.Equal(Vectors.ModelId, info.ModelId);
    }

    [Fact]
    public async Task EnrolStream_ManyTemplates_AllEnrolledInOrderWithInvalidItemReported()
    {
        using var call = fx.B.Enrolment.EnrolStream(fx.B.As("enrolment", 60));
        const int n = 2000;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < n; i++)
            {
                var r = new EnrolRequest { RequestId = $"bulk-{i}", SubjectId = $"bulk-subject-{i}", Galleries = { "bulk" } };
                r.Template = i == 17 ? Vectors.Embedding(new float[3]) : Vectors.Embedding(Vectors.Random(10_000 + i));
                await call.RequestStream.WriteAsync(r);
            }

            await call.RequestStream.CompleteAsync();
        });
        var count = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)))
        {
            var r = call.ResponseStream.Current;
            Assert.Equal($"bulk-{count}", r.RequestId);
            Assert.Equal(count == 17 ? EnrolStatus.Invalid : EnrolStatus.Enrolled, r.Status);
            count++;
        }

        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(n, count);
        await WaitAsync(async () => (await IdentifyAsync(fx.A, Vectors.Random(10_500), "bulk")).GallerySize == n - 1);
        var top = (await IdentifyAsync(fx.A, Vectors.Random(10_500), "bulk")).Candidates[0];
        Assert.True(top.Score > 0.99f);
    }

    [Fact]
    public async Task EnrolStream_WindowedClientWaitsForAnswers_EachBatchAnsweredWithoutLaterRequests()
    {
        // A desk that sends a window of requests and waits for their answers before sending more must be answered:
        // the server may not hold a batch's answers back until a later request arrives.
        using var call = fx.B.Enrolment.EnrolStream(fx.B.As("enrolment", 60));
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                var id = round * 4 + i;
                await call.RequestStream.WriteAsync(new EnrolRequest
                {
                    RequestId = $"window-{id}", SubjectId = $"window-subject-{id}", Galleries = { "window" },
                    Template = Vectors.Embedding(Vectors.Random(20_000 + id)),
                }).WaitAsync(TimeSpan.FromSeconds(30));
            }

            for (var i = 0; i < 4; i++)
            {
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
                Assert.Equal($"window-{round * 4 + i}", call.ResponseStream.Current.RequestId);
                Assert.Equal(EnrolStatus.Enrolled, call.ResponseStream.Current.Status);
            }
        }

        await call.RequestStream.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    internal async Task<EnrolResponse> EnrolTemplateAsync(string subject, float[] v, string gallery = "residents", string? requestId = null)
    {
        var r = new EnrolRequest { RequestId = requestId ?? "t-" + subject + "-" + Guid.NewGuid().ToString("N")[..6], SubjectId = subject, Template = Vectors.Embedding(v), Galleries = { gallery } };
        return await fx.A.Enrolment.EnrolAsync(r, fx.A.As("enrolment")).ResponseAsync;
    }

    private static Task<IdentifyResponse> IdentifyAsync(MatcherInstance m, float[] v, string gallery) =>
        m.Matcher.IdentifyAsync(new IdentifyRequest { Probe = Vectors.Probe(v), Gallery = gallery, TopK = 5 }, m.As("operator")).ResponseAsync;

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if (await condition()) return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
            }

            await Task.Delay(50);
        }

        Assert.Fail("condition not reached within 10 s");
    }
}
