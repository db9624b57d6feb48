"""The built-in routine, used when none is stored or the stored one is damaged.

Generated from routines/lower-back.toml (canonical JSON); a test keeps the two equal.
"""

DEFAULT_NAME = "lower-back"
DEFAULT_JSON = (
    b'{"format":1,"name":"Lower back","prepare_s":10,"rate_timeout_s":20,"stretche'
    b's":[{"breath_in_s":4,"breath_out_s":6,"breath_pacing":true,"cue":"On your ba'
    b'ck, hug one knee in with both hands","hold_s":30,"move_in_s":4,"rate":true,"'
    b'release_s":4,"reps":4,"rest_s":10,"sides":"both","sink_s":6,"switch_s":5,"ti'
    b'tle":"Knee to chest"},{"breath_in_s":4,"breath_out_s":6,"breath_pacing":true'
    b',"cue":"Kneel, sit back to your heels, reach arms ahead","hold_s":30,"move_i'
    b'n_s":4,"rate":true,"release_s":4,"reps":4,"rest_s":10,"sides":"none","sink_s'
    b'":6,"switch_s":5,"title":"Prayer stretch"},{"breath_in_s":4,"breath_out_s":6'
    b',"breath_pacing":true,"cue":"On your back, ankle over knee, draw legs in","h'
    b'old_s":30,"move_in_s":4,"rate":true,"release_s":4,"reps":4,"rest_s":10,"side'
    b's":"both","sink_s":6,"switch_s":5,"title":"Piriformis"},{"breath_in_s":4,"br'
    b'eath_out_s":6,"breath_pacing":true,"cue":"Knees bent together, let them drop'
    b' to one side","hold_s":30,"move_in_s":4,"rate":true,"release_s":4,"reps":4,"'
    b'rest_s":10,"sides":"both","sink_s":6,"switch_s":5,"title":"Trunk rotation"},'
    b'{"breath_in_s":4,"breath_out_s":6,"breath_pacing":true,"cue":"Knees bent, pr'
    b'ess your low back into the floor","hold_s":30,"move_in_s":4,"rate":true,"rel'
    b'ease_s":4,"reps":4,"rest_s":10,"sides":"none","sink_s":6,"switch_s":5,"title'
    b'":"Pelvic tilt"}]}'
)
