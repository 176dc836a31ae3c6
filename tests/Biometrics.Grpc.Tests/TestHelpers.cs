using Google.Protobuf;

namespace Biometrics.Grpc.Tests;

internal static class TestHelpers
{
    public static byte[] ToByteArrayForTest(this IMessage message) => message.ToByteArray();
}
