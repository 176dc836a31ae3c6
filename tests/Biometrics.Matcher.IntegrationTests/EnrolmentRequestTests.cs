using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Store;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// Issue 14, found against a running matcher: enrolment request ids (reserved before the work, scoped to the desk) and
/// what Redis keeps of them (pseudonyms only; nothing left after erasure). Real gRPC calls, real redis-server, read
/// directly with redis-cli.
/// </summary>
[Collection(MatcherCollection.Name)]
public sealed class EnrolmentRequestTests(MatcherFixture fx)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private ITemplateStore Store => fx.A.Services.GetRequiredService<ITemplateStore>();

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    private EnrolRequest ImageRequest(string requestId, string subject)
    {
        var file = Deepface.Representative(fx.Faces.Identities.Values.First());
        var r = new EnrolRequest { RequestId = requestId, SubjectId = subject, Galleries = { "idem" } };
        r.Images.Add(new FaceImage { Data = ByteString.CopyFrom(fx.Faces.Image(file)) });
        return r;
    }

    private static EnrolRequest TemplateRequest(string requestId, string subject, float[] v) =>
        new() { RequestId = requestId, SubjectId = subject, Template = Vectors.Embedding(v), Galleries = { "idem" } };

    private CallOptions Desk(string name) =>
        new(new Metadata { { "authorization", "Bearer " + DevelopmentKeys.Ensure(fx.KeysDirectory).CreateTokenIssuer().Issue(name, ServiceRole.Enrolment, TimeSpan.FromHours(1)) } },
            DateTime.UtcNow.AddSeconds(60));

    [Fact]
    public async Task Enrol_SameRequestIdConcurrently_CarriedOutOnceOthersReplayed()
    {
        // A desk retrying while its first attempt is still in the image pipeline: three attempts at once.
        var subject = NewId("concurrent");
        var request = ImageRequest(NewId("retry"), subject);
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fx.A.Enrolment.EnrolAsync(request, fx.A.As("enrolment", 60)).ResponseAsync)).WaitAsync(Limit);

        Assert.All(answers, a => Assert.Equal(EnrolStatus.Enrolled, a.Status));
        Assert.Single(answers, a => !a.Replayed);
        Assert.All(answers, a => Assert.Equal((1L, answers[0].SubjectKey, request.RequestId), (a.Version, a.SubjectKey, a.RequestId)));
        var info = await fx.A.Enrolment.GetSubjectAsync(new GetSubjectRequest { SubjectId = subject }, fx.A.As("operator")).ResponseAsync.WaitAsync(Limit);
        Assert.Equal(1, info.Version);
    }

    [Fact]
    public async Task EnrolStream_SameSubjectTwiceInARow_EachGetsItsVersionSecondStored()
    {
        var subject = NewId("twice");
        var (first, second) = (Vectors.Random(4101), Vectors.Random(4102));
        var sameId = NewId("same");
        using var call = fx.B.Enrolment.EnrolStream(fx.B.As("enrolment", 60));
        // Written back to back, so they reach the store in one batch; the same request id twice in the stream as well.
        await call.RequestStream.WriteAsync(TemplateRequest(NewId("a"), subject, first)).WaitAsync(Limit);
        await call.RequestStream.WriteAsync(TemplateRequest(NewId("b"), subject, second)).WaitAsync(Limit);
        await call.RequestStream.WriteAsync(TemplateRequest(sameId, subject + "-other", first)).WaitAsync(Limit);
        await call.RequestStream.WriteAsync(TemplateRequest(sameId, subject + "-other", first)).WaitAsync(Limit);
        await call.RequestStream.CompleteAsync().WaitAsync(Limit);
        var answers = new List<EnrolResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Limit)) answers.Add(call.ResponseStream.Current);

        Assert.Equal(4, answers.Count);
        Assert.All(answers, a => Assert.Equal(EnrolStatus.Enrolled, a.Status));
        Assert.Equal((1L, 2L), (answers[0].Version, answers[1].Version));
        Assert.Equal((false, false, false, true), (answers[0].Replayed, answers[1].Replayed, answers[2].Replayed, answers[3].Replayed));
        Assert.Equal(answers[2].Version, answers[3].Version);
        var stored = await Store.GetAsync(subject).WaitAsync(Limit);
        Assert.NotNull(stored);
        Assert.Equal(2, stored.Version);
        var norm = MathF.Sqrt(second.Sum(x => x * x));
        Assert.Equal(second.Select(x => x / norm), stored.Vector.ToArray(), (x, y) => MathF.Abs(x - y) < 1e-5f);
    }

    [Fact]
    public async Task Enrol_RequestIdReusedByAnotherDesk_CarriedOutForThatDeskRefusedForTheSameDesk()
    {
        var requestId = NewId("shared");
        var (mine, theirs) = (NewId("desk1-subject"), NewId("desk2-subject"));
        var first = await fx.B.Enrolment.EnrolAsync(TemplateRequest(requestId, mine, Vectors.Random(4201)), Desk("desk-1")).ResponseAsync.WaitAsync(Limit);
        var other = await fx.B.Enrolment.EnrolAsync(TemplateRequest(requestId, theirs, Vectors.Random(4202)), Desk("desk-2")).ResponseAsync.WaitAsync(Limit);

        Assert.Equal((EnrolStatus.Enrolled, false), (other.Status, other.Replayed));
        Assert.Equal(Store.GetSubjectKey(theirs).Hex, other.SubjectKey);
        Assert.NotNull(await Store.GetAsync(theirs).WaitAsync(Limit));
        Assert.Equal(Store.GetSubjectKey(mine).Hex, first.SubjectKey);

        // The same desk sending the id again for another subject is a mistake: refused, and nothing is written.
        var reused = await Assert.ThrowsAsync<RpcException>(() => fx.B.Enrolment.EnrolAsync(TemplateRequest(requestId, NewId("third"), Vectors.Random(4203)), Desk("desk-1")).ResponseAsync)
            .WaitAsync(Limit);
        Assert.Equal(StatusCode.InvalidArgument, reused.StatusCode);
        Assert.StartsWith("request_id_reused:", reused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrolVerifyDelete_Redis_HoldsNoRequestIdInClear()
    {
        var subject = NewId("clear");
        var (enrolId, verifyId, deleteId) = (NewId("enrol-rid"), NewId("verify-rid"), NewId("delete-rid"));
        await fx.A.Enrolment.EnrolAsync(ImageRequest(enrolId, subject), fx.A.As("enrolment", 60)).ResponseAsync.WaitAsync(Limit);
        var file = Deepface.Representative(fx.Faces.Identities.Values.First());
        var image = new FaceImage { Data = ByteString.CopyFrom(fx.Faces.Image(file)) };
        // A chip-photo Verify: reference image and probe image, nothing stored but the audit record.
        var verdict = await fx.A.Matcher.VerifyAsync(new VerifyRequest { Claim = new Claim { ReferenceImage = image }, Probe = new Probe { Image = image }, GateId = "g1", RequestId = verifyId },
            fx.A.As("gate", 60)).ResponseAsync.WaitAsync(Limit);
        await fx.A.Enrolment.DeleteSubjectAsync(new DeleteSubjectRequest { SubjectId = subject, RequestId = deleteId }, fx.A.As("enrolment")).ResponseAsync.WaitAsync(Limit);

        // The audit appends are not awaited by the calls: wait until the three records are there.
        var pseudonyms = new[] { enrolId, verifyId, deleteId }.Select(Store.GetRequestPseudonym).ToArray();
        IReadOnlyList<AuditRecord> audit = [];
        for (var until = DateTime.UtcNow + Limit; DateTime.UtcNow < until; await Task.Delay(50))
        {
            audit = await Store.ReadAuditAsync(500).WaitAsync(Limit);
            if (pseudonyms.All(p => audit.Any(r => r.RequestId == p))) break;
        }

        Assert.Equal(["Enrol", "Verify", "Delete"], pseudonyms.Select(p => audit.FirstOrDefault(r => r.RequestId == p)?.Action));
        Assert.Equal(verdict.TransactionId, audit.First(r => r.RequestId == pseudonyms[1]).TransactionId);
        var redis = await RedisDump.EverythingAsync(fx.Redis.Port, Limit);
        Assert.Contains(pseudonyms[0], redis, StringComparison.Ordinal);
        foreach (var id in new[] { enrolId, verifyId, deleteId })
        {
            Assert.DoesNotContain(id, redis, StringComparison.Ordinal);
        }
    }

    /// <summary>A dumped key of the append-only streams: the audit trail or a shard's change stream (docs/REDIS.md).</summary>
    private static bool IsStream(string dumpedKey) =>
        dumpedKey.StartsWith("bio:audit\n", StringComparison.Ordinal)
        || (dumpedKey.StartsWith("bio:{", StringComparison.Ordinal) && dumpedKey.Split('\n', 2)[0].EndsWith("}:changes", StringComparison.Ordinal));

    [Fact]
    public async Task DeleteSubject_AfterEnrolments_NoRecordLeftAndReplayRefused()
    {
        var subject = NewId("erase");
        var key = Store.GetSubjectKey(subject).Hex;
        var (imageId, templateId) = (NewId("erase-image"), NewId("erase-template"));
        var enrolled = await fx.A.Enrolment.EnrolAsync(ImageRequest(imageId, subject), fx.A.As("enrolment", 60)).ResponseAsync.WaitAsync(Limit);
        Assert.NotNull(enrolled.Quality);
        await fx.A.Enrolment.EnrolAsync(TemplateRequest(templateId, subject, Vectors.Random(4301)), fx.A.As("enrolment")).ResponseAsync.WaitAsync(Limit);
        var before = await RedisDump.EverythingAsync(fx.Redis.Port, Limit);
        Assert.Contains("R" + key, before, StringComparison.Ordinal); // the request records name the subject until erasure

        await fx.A.Enrolment.DeleteSubjectAsync(new DeleteSubjectRequest { SubjectId = subject, RequestId = NewId("erase-delete") }, fx.A.As("enrolment")).ResponseAsync.WaitAsync(Limit);

        // Nothing left that holds the subject: no template, bucket entry, gallery membership, request record or index.
        // Only the append-only streams keep the pseudonym: the change entries replicas need and the audit trail.
        var after = await RedisDump.EverythingAsync(fx.Redis.Port, Limit);
        var outsideStreams = string.Join('\n', ("\n" + after).Split("\nKEY ").Where(k => !IsStream(k)));
        Assert.DoesNotContain(key, outsideStreams, StringComparison.Ordinal);
        foreach (var id in new[] { imageId, templateId })
        {
            var mac = Store.GetRequestPseudonym("enrolment:dev-enrolment\n" + id);
            Assert.Contains("KEY bio:idem:" + mac + "\nE\n", after + "\n", StringComparison.Ordinal);
        }

        // Replaying the original enrolment does not claim an enrolment that no longer exists.
        var replay = await Assert.ThrowsAsync<RpcException>(() => fx.A.Enrolment.EnrolAsync(ImageRequest(imageId, subject), fx.A.As("enrolment", 60)).ResponseAsync).WaitAsync(Limit);
        Assert.Equal(StatusCode.FailedPrecondition, replay.StatusCode);
        Assert.StartsWith("request_erased:", replay.Status.Detail, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(subject).WaitAsync(Limit));

        // A new request id enrols the subject again, from version 1.
        var again = await fx.A.Enrolment.EnrolAsync(TemplateRequest(NewId("erase-again"), subject, Vectors.Random(4302)), fx.A.As("enrolment")).ResponseAsync.WaitAsync(Limit);
        Assert.Equal((EnrolStatus.Enrolled, 1L, false), (again.Status, again.Version, again.Replayed));
    }
}
