using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Social.WebFront.Tests;

[Collection(SharedApiDefinition.Name)]
public sealed class FriendsApiTests(SharedApiFactory factory)
{
    private Task<(HttpClient Client, TestUser User)> SignUpAsync(string? address = null) => RawHttp.SignUpAsync(factory.CreateClient(), address);

    private static async Task<string> StatusOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("status").GetString()!;
    }

    [Fact]
    public async Task Request_accept_and_list_follow_the_contract()
    {
        var (alice, aliceUser) = await SignUpAsync();
        var (bob, bobUser) = await SignUpAsync();

        Assert.Equal("pending", await StatusOfAsync(await alice.PostAsync($"/api/friends/request/{bobUser.UserId}", null)));
        await (await alice.PostAsync($"/api/friends/request/{bobUser.UserId}", null)).AssertProblemAsync(HttpStatusCode.Conflict, "request_already_sent");

        var pending = await (await bob.GetAsync("/api/friends/list?status=pending")).JsonAsync();
        var item = Assert.Single(pending.GetProperty("items").EnumerateArray());
        Assert.Equal(aliceUser.UserId, item.GetProperty("userId").GetString());
        Assert.Equal(aliceUser.Username, item.GetProperty("username").GetString());
        Assert.Equal("incoming", item.GetProperty("direction").GetString());

        Assert.Equal("accepted", await StatusOfAsync(await bob.PostAsync($"/api/friends/accept/{aliceUser.UserId}", null)));
        var friends = await (await alice.GetAsync("/api/friends/list")).JsonAsync();
        Assert.Equal(bobUser.UserId, Assert.Single(friends.GetProperty("items").EnumerateArray()).GetProperty("userId").GetString());
        Assert.Equal(JsonValueKind.Null, friends.GetProperty("nextCursor").ValueKind);

        var me = await (await alice.GetAsync("/api/users/me")).JsonAsync();
        Assert.Equal(1, me.GetProperty("friendCount").GetInt32());
        Assert.Equal(500, me.GetProperty("friendLimit").GetInt32());
        Assert.Equal("free", me.GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Reverse_request_auto_accepts()
    {
        var (alice, aliceUser) = await SignUpAsync();
        var (bob, bobUser) = await SignUpAsync();
        await alice.PostAsync($"/api/friends/request/{bobUser.UserId}", null);

        Assert.Equal("accepted", await StatusOfAsync(await bob.PostAsync($"/api/friends/request/{aliceUser.UserId}", null)));
        await (await alice.PostAsync($"/api/friends/request/{bobUser.UserId}", null)).AssertProblemAsync(HttpStatusCode.Conflict, "already_friends");
    }

    [Fact]
    public async Task Friend_errors_carry_the_contract_codes()
    {
        var (alice, aliceUser) = await SignUpAsync();
        var (_, bobUser) = await SignUpAsync();

        await (await alice.PostAsync($"/api/friends/request/{aliceUser.UserId}", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "cannot_friend_self");
        await (await alice.PostAsync("/api/friends/request/nobody-by-this-id", null)).AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
        await (await alice.PostAsync($"/api/friends/accept/{bobUser.UserId}", null)).AssertProblemAsync(HttpStatusCode.NotFound, "no_pending_request");
        await (await alice.PostAsync($"/api/friends/reject/{bobUser.UserId}", null)).AssertProblemAsync(HttpStatusCode.NotFound, "no_pending_request");
        await (await alice.PostAsync($"/api/friends/cancel/{bobUser.UserId}", null)).AssertProblemAsync(HttpStatusCode.NotFound, "no_pending_request");
        await (await alice.DeleteAsync($"/api/friends/{bobUser.UserId}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_friends");
        await (await alice.PostAsync($"/api/friends/unblock/{bobUser.UserId}", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_blocked");
        await (await alice.PostAsync($"/api/friends/request/{new string('x', 101)}", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await alice.GetAsync("/api/friends/list?status=weird")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await alice.GetAsync("/api/friends/list?cursor=not-a-cursor")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Block_hides_the_blocker_and_stops_requests()
    {
        var (alice, aliceUser) = await SignUpAsync();
        var (bob, bobUser) = await SignUpAsync();
        await alice.PostAsync($"/api/friends/request/{bobUser.UserId}", null);
        await bob.PostAsync($"/api/friends/accept/{aliceUser.UserId}", null);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsync($"/api/friends/block/{bobUser.UserId}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsync($"/api/friends/block/{bobUser.UserId}", null)).StatusCode);

        await (await bob.PostAsync($"/api/friends/request/{aliceUser.UserId}", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "blocked");
        await (await bob.GetAsync($"/api/users/{aliceUser.UserId}")).AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
        Assert.Empty((await (await bob.GetAsync($"/api/users/search?q={aliceUser.Username}")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Empty((await (await alice.GetAsync($"/api/users/search?q={bobUser.Username}")).JsonAsync()).GetProperty("items").EnumerateArray());

        var profile = await (await alice.GetAsync($"/api/users/{bobUser.UserId}")).JsonAsync();
        Assert.Equal("blocked", profile.GetProperty("relationship").GetString());
        var blocked = await (await alice.GetAsync("/api/friends/list?status=blocked")).JsonAsync();
        Assert.Equal(bobUser.UserId, Assert.Single(blocked.GetProperty("items").EnumerateArray()).GetProperty("userId").GetString());
        Assert.Empty((await (await alice.GetAsync("/api/friends/list")).JsonAsync()).GetProperty("items").EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsync($"/api/friends/unblock/{bobUser.UserId}", null)).StatusCode);
        Assert.Equal("none", (await (await bob.GetAsync($"/api/users/{aliceUser.UserId}")).JsonAsync()).GetProperty("relationship").GetString());
    }

    [Fact]
    public async Task Batch_accept_reports_each_id()
    {
        var (carol, carolUser) = await SignUpAsync();
        var requesters = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            var (client, user) = await SignUpAsync();
            await client.PostAsync($"/api/friends/request/{carolUser.UserId}", null);
            requesters.Add(user);
        }

        var ids = requesters.Select(user => user.UserId).Append("stranger").ToArray();
        var response = await carol.PostAsJsonAsync("/api/friends/batch-accept", ids);

        var body = await response.JsonAsync();
        Assert.Equal(requesters.Select(user => user.UserId).Order(), body.GetProperty("accepted").EnumerateArray().Select(e => e.GetString()).Order());
        var failure = Assert.Single(body.GetProperty("failed").EnumerateArray());
        Assert.Equal("stranger", failure.GetProperty("userId").GetString());
        Assert.Equal("no_pending_request", failure.GetProperty("code").GetString());

        await (await carol.PostAsJsonAsync("/api/friends/batch-accept", Enumerable.Range(0, 101).Select(i => $"id{i}")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await carol.PostAsJsonAsync("/api/friends/batch-accept", new { not = "an array" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Search_finds_by_prefix_and_exact_address_with_relationship()
    {
        var address = $"0x{Guid.NewGuid():N}";
        var (alice, _) = await SignUpAsync();
        var (_, bobUser) = await SignUpAsync(address);
        await alice.PostAsync($"/api/friends/request/{bobUser.UserId}", null);

        var byPrefix = await (await alice.GetAsync($"/api/users/search?q={bobUser.Username[..10].ToUpperInvariant()}")).JsonAsync();
        var found = Assert.Single(byPrefix.GetProperty("items").EnumerateArray(), e => e.GetProperty("userId").GetString() == bobUser.UserId);
        Assert.Equal("pending_outgoing", found.GetProperty("relationship").GetString());

        var byAddress = await (await alice.GetAsync($"/api/users/search?q={address}")).JsonAsync();
        Assert.Equal(bobUser.UserId, Assert.Single(byAddress.GetProperty("items").EnumerateArray()).GetProperty("userId").GetString());

        await (await alice.GetAsync("/api/users/search?q=")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Admin_plan_change_raises_the_limit_and_needs_the_key()
    {
        var (alice, aliceUser) = await SignUpAsync();
        var anonymous = factory.CreateClient();

        var noKey = await anonymous.PutAsJsonAsync($"/api/admin/users/{aliceUser.UserId}/plan", new { plan = "pro" });
        await noKey.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        anonymous.DefaultRequestHeaders.Add("X-Admin-Key", SocialApiFactory.AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PutAsJsonAsync($"/api/admin/users/{aliceUser.UserId}/plan", new { plan = "pro" })).StatusCode);
        await (await anonymous.PutAsJsonAsync($"/api/admin/users/{aliceUser.UserId}/plan", new { plan = "gold" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await anonymous.PutAsJsonAsync("/api/admin/users/nobody/plan", new { plan = "pro" })).AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");

        var me = await (await alice.GetAsync("/api/users/me")).JsonAsync();
        Assert.Equal("pro", me.GetProperty("plan").GetString());
        Assert.Equal(2000, me.GetProperty("friendLimit").GetInt32());
    }
}
