using Social.Storage.Accounts;

namespace Social.Storage.Tests.Accounts;

/// <summary>
/// The rules every <see cref="IUserDirectory"/> keeps. Each implementation runs all of them
/// through a subclass; each test gets a fresh, empty directory.
/// </summary>
public abstract class UserDirectoryContract : IAsyncLifetime
{
    protected IUserDirectory Directory { get; private set; } = null!;

    protected abstract Task<IUserDirectory> CreateDirectoryAsync();

    public async Task InitializeAsync() => Directory = await CreateDirectoryAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Concurrent_registrations_of_one_username_create_exactly_one_account()
    {
        string[] spellings = ["Alice", "alice", "ALICE", "aLiCe"];
        var accounts = Enumerable.Range(0, 50).Select(i => Account(spellings[i % spellings.Length])).ToList();

        var results = await Task.WhenAll(accounts.Select(a => Task.Run(() => Directory.TryCreateAsync(a))));

        Assert.Equal(1, results.Count(r => r == CreateAccountResult.Created));
        Assert.Equal(49, results.Count(r => r == CreateAccountResult.UsernameTaken));
        var winner = accounts[Array.IndexOf(results, CreateAccountResult.Created)];
        Assert.Equal(winner.UserId, (await Directory.FindByUsernameAsync("alice"))?.UserId);
    }

    [Fact]
    public async Task Usernames_that_differ_only_in_case_are_the_same_username()
    {
        Assert.Equal(CreateAccountResult.Created, await Directory.TryCreateAsync(Account("Bob.Smith")));

        Assert.Equal(CreateAccountResult.UsernameTaken, await Directory.TryCreateAsync(Account("bob.smith")));
        Assert.Equal(CreateAccountResult.UsernameTaken, await Directory.TryCreateAsync(Account("BOB.SMITH")));
    }

    [Fact]
    public async Task Concurrent_registrations_with_one_address_create_exactly_one_account()
    {
        var accounts = Enumerable.Range(0, 50).Select(i => Account($"holder{i}", address: "0xFEEDBEEF")).ToList();

        var results = await Task.WhenAll(accounts.Select(a => Task.Run(() => Directory.TryCreateAsync(a))));

        Assert.Equal(1, results.Count(r => r == CreateAccountResult.Created));
        Assert.Equal(49, results.Count(r => r == CreateAccountResult.AddressTaken));
    }

    [Fact]
    public async Task Accounts_without_an_address_never_clash_on_address()
    {
        Assert.Equal(CreateAccountResult.Created, await Directory.TryCreateAsync(Account("first")));
        Assert.Equal(CreateAccountResult.Created, await Directory.TryCreateAsync(Account("second")));
    }

    [Fact]
    public async Task Addresses_are_unique_whatever_their_case_and_found_by_any_spelling()
    {
        var address = $"0xAbC{Guid.NewGuid():N}";
        Assert.Equal(CreateAccountResult.Created, await Directory.TryCreateAsync(Account("upper", address: address)));

        Assert.Equal(CreateAccountResult.AddressTaken, await Directory.TryCreateAsync(Account("again", address: address)));
        Assert.Equal(CreateAccountResult.AddressTaken, await Directory.TryCreateAsync(Account("lower", address: address.ToLowerInvariant())));
        Assert.Equal(CreateAccountResult.AddressTaken, await Directory.TryCreateAsync(Account("spaced", address: $" {address.ToUpperInvariant()} ")));
        var found = await Directory.SearchAsync(address.ToUpperInvariant(), 5);
        Assert.Contains(found, profile => profile.Username.StartsWith("upper", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_registration_clashing_on_both_username_and_address_reports_the_username()
    {
        await Directory.TryCreateAsync(Account("carol", address: "carol-wallet"));

        Assert.Equal(CreateAccountResult.UsernameTaken, await Directory.TryCreateAsync(Account("Carol", address: "carol-wallet")));
    }

    [Fact]
    public async Task A_found_account_keeps_the_case_it_was_registered_with_and_every_field()
    {
        var account = Account("Dave.Case", address: "dave-wallet");
        await Directory.TryCreateAsync(account);

        var found = await Directory.FindByUsernameAsync("DAVE.case");

        Assert.NotNull(found);
        Assert.Equal(account with { CreatedAt = found.CreatedAt }, found);
        Assert.Equal(account.CreatedAt, found.CreatedAt, TimeSpan.FromMilliseconds(1));
        Assert.Null(await Directory.FindByUsernameAsync("dave"));
    }

    [Fact]
    public async Task Search_matches_a_username_prefix_case_insensitively_in_username_order()
    {
        foreach (var name in new[] { "bobcat", "Bobby", "alice", "bob", "bo", "xbob" })
        {
            await Directory.TryCreateAsync(Account(name));
        }

        var found = await Directory.SearchAsync("BOB", 20);

        Assert.Equal(["bob", "Bobby", "bobcat"], found.Select(p => p.Username));
    }

    [Fact]
    public async Task People_search_finds_display_names_too_and_pages_in_username_order()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        await Directory.TryCreateAsync(Account($"zed{tag}") with { DisplayName = $"Alice Liddell {tag}" });
        await Directory.TryCreateAsync(Account($"alice{tag}") with { DisplayName = $"Somebody {tag}" });
        await Directory.TryCreateAsync(Account($"mad{tag}") with { DisplayName = $"The alice liddell {tag} fan" });
        await Directory.TryCreateAsync(Account($"other{tag}") with { DisplayName = $"Nobody {tag}" });

        var byName = await Directory.SearchPeopleAsync($"Alice Liddell {tag}", 10, null);
        Assert.Equal([$"mad{tag}", $"zed{tag}"], byName.Select(p => p.Username));

        var first = await Directory.SearchPeopleAsync(tag, 2, null);
        var second = await Directory.SearchPeopleAsync(tag, 2, UserNames.Normalize(first[^1].Username));
        Assert.Equal([$"alice{tag}", $"mad{tag}", $"other{tag}", $"zed{tag}"], first.Concat(second).Select(p => p.Username));
    }

    [Theory]
    [InlineData("a_", "a_b")]
    [InlineData("a%", "a%c")]
    [InlineData(@"a\", @"a\d")]
    public async Task Search_treats_like_wildcards_in_the_query_literally(string query, string onlyMatch)
    {
        foreach (var name in new[] { "a_b", "axb", "a%c", "ayc", @"a\d", "azd" })
        {
            await Directory.TryCreateAsync(Account(name));
        }

        var found = await Directory.SearchAsync(query, 20);

        Assert.Equal([onlyMatch], found.Select(p => p.Username));
    }

    [Fact]
    public async Task Search_matches_a_whole_address_in_any_case_never_a_prefix()
    {
        var holder = Account("holder", address: "0xAbCdEf");
        await Directory.TryCreateAsync(holder);

        Assert.Equal([holder.UserId], (await Directory.SearchAsync("0xAbCdEf", 20)).Select(p => p.UserId));
        Assert.Equal([holder.UserId], (await Directory.SearchAsync("0xabcdef", 20)).Select(p => p.UserId));
        Assert.Empty(await Directory.SearchAsync("0xAbC", 20));
    }

    [Fact]
    public async Task Search_lists_a_user_matching_by_username_and_by_address_once_among_the_others()
    {
        await Directory.TryCreateAsync(Account("eve"));
        await Directory.TryCreateAsync(Account("evelyn", address: "Eve"));
        await Directory.TryCreateAsync(Account("zed", address: "zed-wallet"));

        var found = await Directory.SearchAsync("Eve", 20);

        Assert.Equal(["eve", "evelyn"], found.Select(p => p.Username));
    }

    [Fact]
    public async Task Search_returns_at_most_limit_users_the_first_in_username_order()
    {
        for (var i = 29; i >= 0; i--)
        {
            await Directory.TryCreateAsync(Account($"fan{i:D2}"));
        }

        var found = await Directory.SearchAsync("fan", 20);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"fan{i:D2}"), found.Select(p => p.Username));
        Assert.Empty(await Directory.SearchAsync("fan", 0));
    }

    [Fact]
    public async Task FindByIds_returns_the_profiles_of_existing_ids_only()
    {
        var grace = Account("grace");
        var heidi = Account("heidi");
        await Directory.TryCreateAsync(grace);
        await Directory.TryCreateAsync(heidi);

        var found = await Directory.FindByIdsAsync([grace.UserId, "no-such-user", heidi.UserId, grace.UserId]);

        Assert.Equal(2, found.Count);
        Assert.Equal(new UserProfile(grace.UserId, "grace", grace.DisplayName), found[grace.UserId]);
        Assert.Equal(new UserProfile(heidi.UserId, "heidi", heidi.DisplayName), found[heidi.UserId]);
        Assert.Empty(await Directory.FindByIdsAsync([]));
    }

    [Fact]
    public async Task FindById_returns_the_profile_or_null()
    {
        var ivan = Account("Ivan");
        await Directory.TryCreateAsync(ivan);

        Assert.Equal(new UserProfile(ivan.UserId, "Ivan", ivan.DisplayName), await Directory.FindByIdAsync(ivan.UserId));
        Assert.Null(await Directory.FindByIdAsync("no-such-user"));
    }

    [Fact]
    public async Task A_new_account_has_session_version_zero_and_unknown_ids_have_none()
    {
        var judy = Account("judy");
        await Directory.TryCreateAsync(judy);

        Assert.Equal(0, await Directory.FindSessionVersionAsync(judy.UserId));
        Assert.Equal(0, (await Directory.FindAccountByIdAsync(judy.UserId))!.SessionVersion);
        Assert.Null(await Directory.FindSessionVersionAsync("no-such-user"));
    }

    [Fact]
    public async Task A_password_change_stores_the_hash_and_raises_the_session_version_only_from_the_expected_hash()
    {
        var kim = Account("kim");
        await Directory.TryCreateAsync(kim);

        Assert.Equal(1, await Directory.TryChangePasswordAsync(kim.UserId, kim.PasswordHash, "hash-2"));
        Assert.Null(await Directory.TryChangePasswordAsync(kim.UserId, kim.PasswordHash, "hash-stale"));
        Assert.Null(await Directory.TryChangePasswordAsync("no-such-user", "hash-2", "hash-3"));

        var stored = (await Directory.FindByUsernameAsync("KIM"))!;
        Assert.Equal("hash-2", stored.PasswordHash);
        Assert.Equal(1, stored.SessionVersion);
        Assert.Equal(1, await Directory.FindSessionVersionAsync(kim.UserId));
    }

    [Fact]
    public async Task Of_concurrent_password_changes_from_one_hash_exactly_one_succeeds()
    {
        var lee = Account("lee");
        await Directory.TryCreateAsync(lee);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Directory.TryChangePasswordAsync(lee.UserId, lee.PasswordHash, $"hash-{i}"))));

        Assert.Equal(1, results.Count(version => version == 1));
        Assert.Equal(19, results.Count(version => version is null));
        Assert.Equal(1, await Directory.FindSessionVersionAsync(lee.UserId));
    }

    [Fact]
    public async Task A_display_name_change_shows_in_profiles_and_search()
    {
        var mia = Account("mia");
        await Directory.TryCreateAsync(mia);

        Assert.True(await Directory.UpdateDisplayNameAsync(mia.UserId, "Mia Wallace"));
        Assert.False(await Directory.UpdateDisplayNameAsync("no-such-user", "Nobody"));

        Assert.Equal("Mia Wallace", (await Directory.FindByIdAsync(mia.UserId))!.DisplayName);
        Assert.Equal("Mia Wallace", (await Directory.FindByUsernameAsync("mia"))!.DisplayName);
        Assert.Equal([mia.UserId], (await Directory.SearchPeopleAsync("wallace", 10, null)).Select(profile => profile.UserId));
        Assert.Empty(await Directory.SearchPeopleAsync("(display)", 10, null));
    }

    protected static UserAccount Account(string username, string? address = null) => new(
        UserId: $"user-{Guid.NewGuid():N}",
        Username: username,
        DisplayName: $"{username} (display)",
        Address: address,
        PasswordHash: "AQAAAAIAAYagAAAAEHash",
        CreatedAt: DateTimeOffset.UtcNow);
}
