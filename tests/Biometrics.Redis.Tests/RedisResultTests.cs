using System.Text;

namespace Biometrics.Redis.Tests;

public sealed class RedisResultTests
{
    [Fact]
    public void ServerException_ErrorCode_IsFirstWord()
    {
        var ex = new RedisServerException("WRONGTYPE Operation against a key holding the wrong kind of value");
        Assert.Equal("WRONGTYPE", ex.ErrorCode);
        Assert.StartsWith("WRONGTYPE Operation", ex.Message);
    }

    [Fact]
    public void Lease_Disposed_ReturnsBufferAndRejectsAccess()
    {
        var lease = RedisLease.Copy(Encoding.ASCII.GetBytes("abc"));
        Assert.Equal("abc", lease.ToString());
        lease.Dispose();
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => lease.ToArray());
    }

    [Fact]
    public void Script_Sha1_MatchesRedisDefinition()
        => Assert.Equal("e0e1f9fabfc9d4800c877a703b823ac0578ff8db", new RedisScript("return 1").Sha1);
}
