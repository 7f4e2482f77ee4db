using Social.Storage.Messages;

namespace Social.Storage.Tests.Messages;

public sealed class InMemoryMessageStoreTests : MessageStoreContract
{
    protected override Task<IMessageStore> CreateStoreAsync() => Task.FromResult<IMessageStore>(new InMemoryMessageStore());
}
