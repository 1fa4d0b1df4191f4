#BOM, CRLF, comments and an unknown header line
@problemName Windows
@timeStamps false
@frequency hourly
@univariate true
@classLabel true 1 2

@data
1,2,3:1
# a comment between cases
4,5,6:2
