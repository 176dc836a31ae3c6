using System.Buffers.Text;
using System.Text;
using Biometrics.Matcher.Security;
using Biometrics.Testing;

namespace Biometrics.Matcher.Core.Tests.Security;

public sealed class BearerTokenTests
{
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly byte[] _key = DevKeys.CreateBearerKey();
    private readonly BearerTokenIssuer _issuer;
    private readonly BearerTokenValidator _validator;

    public BearerTokenTests()
    {
        _issuer = new BearerTokenIssuer("k1", _key, _clock);
        _validator = new BearerTokenValidator(new Dictionary<string, byte[]> { ["k1"] = _key }, TimeSpan.FromSeconds(30), _clock);
    }

    [Fact]
    public void Validate_GateToken_IsValidWithClaims()
    {
        var r = _validator.Validate("Bearer " + _issuer.Issue("lane-agent-7", ServiceRole.Gate, TimeSpan.FromHours(1), gateId: "T1-E07"));
        Assert.True(r.IsValid, r.Message);
        Assert.Equal("lane-agent-7", r.Claims!.Subject);
        Assert.Equal(ServiceRole.Gate, r.Claims.Role);
        Assert.Equal("T1-E07", r.Claims.GateId);
    }

    [Theory]
    [InlineData(ServiceRole.Gate, ServiceOperation.Match, true)]
    [InlineData(ServiceRole.Gate, ServiceOperation.Enrol, false)]
    [InlineData(ServiceRole.Gate, ServiceOperation.Search, false)]
    [InlineData(ServiceRole.Enrolment, ServiceOperation.Enrol, true)]
    [InlineData(ServiceRole.Enrolment, ServiceOperation.Delete, true)]
    [InlineData(ServiceRole.Enrolment, ServiceOperation.Match, false)]
    [InlineData(ServiceRole.Operator, ServiceOperation.Search, true)]
    [InlineData(ServiceRole.Operator, ServiceOperation.Read, true)]
    [InlineData(ServiceRole.Operator, ServiceOperation.Delete, false)]
    public void Authorize_RoleAndOperation_AllowsOnlyThePolicy(ServiceRole role, ServiceOperation op, bool allowed)
    {
        var r = _validator.Authorize(_issuer.Issue("c", role, TimeSpan.FromMinutes(5)), op);
        Assert.Equal(allowed ? BearerTokenFailure.None : BearerTokenFailure.Forbidden, r.Failure);
    }

    [Fact]
    public void Validate_TamperedRole_IsBadSignature()
    {
        var parts = _issuer.Issue("c", ServiceRole.Gate, TimeSpan.FromMinutes(5)).Split('.');
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"gate\"", "\"operator\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json))}.{parts[2]}";
        Assert.Equal(BearerTokenFailure.BadSignature, _validator.Validate(forged).Failure);
    }

    [Fact]
    public void Validate_WrongKeySameKid_IsBadSignature()
    {
        var other = new BearerTokenIssuer("k1", DevKeys.CreateBearerKey(), _clock);
        Assert.Equal(BearerTokenFailure.BadSignature, _validator.Validate(other.Issue("c", ServiceRole.Gate, TimeSpan.FromMinutes(5))).Failure);
    }

    [Fact]
    public void Validate_UnknownKeyId_IsUnknownKey()
    {
        var other = new BearerTokenIssuer("k2", DevKeys.CreateBearerKey(), _clock);
        Assert.Equal(BearerTokenFailure.UnknownKey, _validator.Validate(other.Issue("c", ServiceRole.Gate, TimeSpan.FromMinutes(5))).Failure);
    }

    [Fact]
    public void Validate_Expired_IsExpired()
    {
        var token = _issuer.Issue("c", ServiceRole.Gate, TimeSpan.FromMinutes(5));
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(BearerTokenFailure.Expired, _validator.Validate(token).Failure);
        Assert.Equal(BearerTokenFailure.Expired, _validator.Authorize(token, ServiceOperation.Match).Failure);
    }

    [Fact]
    public void Validate_RememberedTokenAfterExpiry_IsExpired()
    {
        var token = "Bearer " + _issuer.Issue("c", ServiceRole.Gate, TimeSpan.FromMinutes(5));
        Assert.True(_validator.Validate(token).IsValid);
        Assert.True(_validator.Validate(token).IsValid); // the second time from memory
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(BearerTokenFailure.Expired, _validator.Validate(token).Failure);
    }

    [Fact]
    public void Validate_ForgeryAfterTheGenuineTokenWasRemembered_IsStillBadSignature()
    {
        var genuine = _issuer.Issue("c", ServiceRole.Gate, TimeSpan.FromMinutes(5));
        Assert.True(_validator.Validate(genuine).IsValid);
        var parts = genuine.Split('.');
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"gate\"", "\"operator\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json))}.{parts[2]}";
        Assert.Equal(BearerTokenFailure.BadSignature, _validator.Validate(forged).Failure);
    }

    [Fact]
    public void Validate_MoreDistinctTokensThanRemembered_AllValid()
    {
        for (var i = 0; i < BearerTokenValidator.MaxRememberedTokens + 10; i++)
        {
            var r = _validator.Validate(_issuer.Issue("lane-" + i, ServiceRole.Gate, TimeSpan.FromMinutes(5)));
            Assert.True(r.IsValid, r.Message);
            Assert.Equal("lane-" + i, r.Claims!.Subject);
        }
    }

    [Fact]
    public void Validate_FutureToken_IsNotYetValid()
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var token = _issuer.Issue(new BearerClaims("c", ServiceRole.Gate, null, now + 600, now + 1200, "k1"));
        Assert.Equal(BearerTokenFailure.NotYetValid, _validator.Validate(token).Failure);
    }

    [Theory]
    [InlineData(null, BearerTokenFailure.Missing)]
    [InlineData("  ", BearerTokenFailure.Missing)]
    [InlineData("Bearer x.y", BearerTokenFailure.Malformed)]
    [InlineData("b1.e30.AAAA", BearerTokenFailure.Malformed)]
    [InlineData("b1.%%%.AAAA", BearerTokenFailure.Malformed)]
    [InlineData("q1.e30.AAAA", BearerTokenFailure.Malformed)]
    public void Validate_MissingOrMalformed_SaysWhich(string? token, BearerTokenFailure expected) =>
        Assert.Equal(expected, _validator.Validate(token).Failure);

    [Fact]
    public void Validate_UnknownRole_IsMalformed()
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var json = $"{{\"sub\":\"c\",\"role\":\"admin\",\"iat\":{now},\"exp\":{now + 60},\"kid\":\"k1\"}}";
        var body = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        var mac = System.Security.Cryptography.HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes("b1." + body));
        Assert.Equal(BearerTokenFailure.Malformed, _validator.Validate($"b1.{body}.{Base64Url.EncodeToString(mac)}").Failure);
    }

    [Fact]
    public void Constructor_ShortKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new BearerTokenIssuer("k", new byte[16]));
}
