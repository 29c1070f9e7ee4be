def test_world_fixture_builds_two_isolated_communes(world):
    assert world.enfant.famille == world.famille
    assert world.other_enfant.famille.commune != world.commune
    assert list(world.agent.communes.all()) == [world.commune]
