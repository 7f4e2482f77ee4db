using Social.Storage.Accounts;

namespace Social.Storage.Tests.Accounts;

public sealed class InMemoryUserDirectoryTests : UserDirectoryContract
{
    protected override Task<IUserDirectory> CreateDirectoryAsync() => Task.FromResult<IUserDirectory>(new InMemoryUserDirectory());
}
