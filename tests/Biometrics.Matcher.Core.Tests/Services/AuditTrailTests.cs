using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Biometrics.Matcher.Core.Tests.Services;

public sealed class AuditTrailTests
{
    [Fact]
    public async Task Record_StoreDown_CountedNeverThrownThenWrittenAgain()
    {
        var store = new InMemoryTemplateStore { Available = false };
        var trail = new AuditTrail(store, NullLogger<AuditTrail>.Instance);
        trail.Record("gate-1", "Verify", "ACCEPT", 0.7f, "m", "txn-1", "ab");
        trail.Record("gate-1", "Verify", "REJECT", 0.1f, "m", "txn-2", "ab");
        await trail.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, trail.Failures);

        store.Available = true;
        trail.Record("gate-1", "Verify", "ACCEPT", 0.8f, "m", "txn-3", "ab", "req-3");
        var written = Assert.Single(await store.ReadAuditAsync(10));
        Assert.Equal("txn-3", written.TransactionId);
        Assert.Equal(store.GetRequestPseudonym("req-3"), written.RequestId);
        Assert.Equal(2, trail.Failures);
    }
}
