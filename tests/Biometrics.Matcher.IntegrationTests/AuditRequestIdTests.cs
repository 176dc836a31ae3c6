using Biometrics.Protos.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>Issue 12: matcher.proto said Verify's request_id is echoed in the audit record, and it was not. Issue 14: it is
/// kept as its pseudonym, never in clear.</summary>
[Collection(MatcherCollection.Name)]
public sealed class AuditRequestIdTests(MatcherFixture fx)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Verify_RequestId_WrittenIntoTheAuditRecord()
    {
        var v = Vectors.Random(912);
        var requestId = "lane-7-" + Guid.NewGuid().ToString("N")[..12];
        var verdict = await fx.B.Matcher.VerifyAsync(new VerifyRequest
        {
            Claim = new Claim { ReferenceTemplate = Vectors.Embedding(v) },
            Probe = Vectors.Probe(Vectors.Near(v, 3, 0.2f)),
            GateId = "gate-7",
            RequestId = requestId,
        }, fx.B.As("gate")).ResponseAsync.WaitAsync(Limit);

        var store = fx.B.Services.GetRequiredService<Store.ITemplateStore>();
        Store.AuditRecord? record = null;
        for (var until = DateTime.UtcNow + Limit; record is null && DateTime.UtcNow < until; await Task.Delay(50))
        {
            record = (await store.ReadAuditAsync(200).WaitAsync(Limit)).FirstOrDefault(r => r.RequestId == store.GetRequestPseudonym(requestId));
        }

        Assert.NotNull(record);
        Assert.Equal(("Verify", verdict.TransactionId, verdict.Decision.ToString().ToUpperInvariant()), (record.Action, record.TransactionId, record.Decision));
    }
}
