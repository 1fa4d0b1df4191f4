@problemName Dup
@timeStamps true
@univariate true
@classLabel true 1
@data
(0,1.5),(1,2.5),(1,3.5):1
