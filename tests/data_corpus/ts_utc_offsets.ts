# across the end of daylight saving time (Europe/Paris): local times repeat, offsets do not
@problemName Clock change
@timeStamps true
@univariate true
@classLabel true a b
@data
(2020-10-25T02:30:00+01:00,3),(2020-10-25T02:30:00+02:00,2),(2020-10-25T02:30:00Z,4),(2020-10-25T01:30:00+02:00,1):a
(2020-10-25T03:00:00+01:00,7),(2020-10-25T01:00:00Z,5),(2020-10-25T02:15:00+01:00,6):b
