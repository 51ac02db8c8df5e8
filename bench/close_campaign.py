"""Closing a campaign of 6,000 staff responses: the ballot box opened, shuffled and released.

    .venv/bin/python bench/close_campaign.py                 # SQLite (a new temp file)
    source scripts/start-postgres && .venv/bin/python bench/close_campaign.py   # PostgreSQL

In a fresh database, seed_scale's organisation (60 units, 6,000 staff, 30,000 pupils) gets
--campaigns campaigns on digiplan-standard, one after the other. In each, every staff member
answers (a sealed ballot each, with the padding every ballot of the campaign has, a comment now
and then) and, with --pupil-rate, that share of the pupils answers on group codes; then the
strategist closes it through services.campaign_close, timed: opening every ballot, shuffling,
writing the responses and answers, emptying the box, writing the participations again in a
random order, deleting the drafts, computing the snapshot and the stored figures, the audit row,
and, after the commit, the VACUUM (PostgreSQL) or WAL checkpoint (SQLite) that drops the old
rows. Target: at most 10 s for 6,000 staff responses, on both engines.
"""

import argparse
import statistics
import time

from _common import fresh_database, set_up_django, use_project_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--staff", type=int, default=6000)
    parser.add_argument("--pupils", type=int, default=30_000)
    parser.add_argument("--campaigns", type=int, default=3)
    parser.add_argument("--pupil-rate", type=float, default=0.0)
    args = parser.parse_args()
    use_project_settings()
    with fresh_database("close"):
        vendor = set_up_django()
        from assessment_data import build_org, run_campaign

        from digiplan.assessments.models import Answer, Ballot, Response
        from digiplan.assessments.services import campaign_close

        org = build_org(orgnr="212999-0003", units=args.units, staff=args.staff, pupils=args.pupils)
        seconds = []
        for number in range(args.campaigns):
            year = f"{2020 + number}/{(21 + number) % 100:02d}"
            built = run_campaign(
                org,
                school_year=year,
                staff_rate=1.0,
                pupil_rate=args.pupil_rate,
                close=False,
                seed=number + 1,
            )
            campaign = built["campaign"]
            boxed = Ballot.objects.filter(campaign=campaign).count()
            started = time.perf_counter()
            campaign_close(actor=org.strategist, campaign=campaign)
            seconds.append(time.perf_counter() - started)
            print(
                f"{vendor:<10} close   {seconds[-1]:6.2f} s  campaign {year}: "
                f"{boxed:,} ballots ({built['staff_responses']:,} staff, "
                f"{built['pupil_responses']:,} pupils) -> "
                f"{Response.objects.filter(campaign=campaign).count():,} responses, "
                f"{Answer.objects.filter(response__campaign=campaign).count():,} answers; "
                f"{Ballot.objects.count()} ballots left"
            )
        print(
            f"{vendor:<10} close   median {statistics.median(seconds):.2f} s, "
            f"min {min(seconds):.2f} s, max {max(seconds):.2f} s over {len(seconds)} "
            f"campaigns (target <= 10 s)"
        )


if __name__ == "__main__":
    main()
