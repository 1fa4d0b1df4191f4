# the same instants written with and without a UTC offset: ambiguous
@problemName Zones
@timeStamps true
@univariate true
@classLabel true a b
@data
(2020-01-01T00:00:00+01:00,1),(2020-01-01T01:00:00+01:00,2),(2020-01-01T02:00:00,3):a
